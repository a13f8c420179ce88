import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { directoryContract } from "./contract/DirectoryContract.js"
import { TestHasher } from "./TestHasher.js"

directoryContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
