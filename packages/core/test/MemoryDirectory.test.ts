import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { directoryContract } from "./contract/DirectoryContract.js"
import { sessionsContract } from "./contract/SessionsContract.js"
import { TestHasher } from "./TestHasher.js"

directoryContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
sessionsContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
