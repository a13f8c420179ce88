import { directoryContract } from "@user-manager/testing/DirectoryContract"
import { sessionsContract } from "@user-manager/testing/SessionsContract"
import { signInThrottleContract } from "@user-manager/testing/SignInThrottleContract"
import { TestHasher } from "@user-manager/testing/TestHasher"
import * as MemoryDirectory from "../src/MemoryDirectory.js"

directoryContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
sessionsContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
signInThrottleContract("MemoryDirectory", MemoryDirectory.layer, TestHasher)
