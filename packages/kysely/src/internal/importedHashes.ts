/**
 * The checks of the password hashes an import may bring besides argon2 (`PasswordHashScheme`): bcrypt with `bcryptjs`,
 * SHA-crypt with `unixcrypt` (both plain JavaScript, well kept, checked in the tests against the published vectors of
 * each scheme). yescrypt has no well-kept implementation on the registry: such a hash is never a match.
 */
import { verify as argon2Verify } from "@node-rs/argon2"
import { schemeOf } from "@user-manager/core/PasswordHashScheme"
import bcrypt from "bcryptjs"
import { verify as shaCryptVerify } from "unixcrypt"

/**
 * Whether `password` matches `hash`, checked with the algorithm that made it (known by the hash's shape); a hash of no
 * scheme checked here is no match. bcrypt reads the first 72 bytes of a password only, as every bcrypt does.
 */
export const checkPassword = async (password: string, hash: string): Promise<boolean> => {
  switch (schemeOf(hash)) {
    case "argon2id":
    case "argon2i":
      // On libuv's thread pool.
      return argon2Verify(hash, password)
    case "bcrypt":
      // In slices on the main thread: bcryptjs yields to the event loop between them.
      return bcrypt.compare(password, hash)
    case "sha256-crypt":
    case "sha512-crypt":
      // On the main thread, in one go (5,000 rounds by default: a few milliseconds to a few tens).
      return shaCryptVerify(password, hash)
    default:
      return false
  }
}

/** The bcrypt cost the slowest check is measured at: 12, what PHP 8.4, Laravel, Rails and Django use by default. */
export const REFERENCE_BCRYPT_COST = 12

/**
 * One hash of each scheme checked, at the parameters the slowest check is measured at, and how many times its check
 * is shorter than the one at the reference parameters: argon2 with the project's parameters, SHA-crypt with its
 * default 5,000 rounds, and bcrypt at cost 10 (whose work doubles with each unit of cost: its time at cost 12 is 4
 * times that, measured in a quarter of the time; a lower cost would be quicker to measure, but would multiply the
 * noise of a busy machine as much).
 */
const REFERENCES: ReadonlyArray<readonly [hash: string, scale: number]> = [
  ["$argon2id$v=19$m=19456,t=2,p=1$dx0O/sy4KFDvH9i42mfN2A$mEIHxV6r3KcApeYIZlFcz/RzXTr80bB3MjyiYpW60g4", 1],
  ["$argon2i$v=19$m=19456,t=2,p=1$QX0Q78Fo+OFI1IvfBdGfMQ$L5YuTtfwgjeyKjYYaCGKxQqsMH92ndXDL+FoG5yg2CA", 1],
  ["$2b$10$26TELZko4m6uIXPrW9Ftt.C0i80PASHChrskMnPd5Q5f.kPNG1QpG", 2 ** (REFERENCE_BCRYPT_COST - 10)],
  ["$5$calibrationsal$NXMhihg.T5YXG2PQ.QR/gYX8wXUI17ju.akJf7eaVB/", 1],
  ["$6$calibrationsal$hsYe7twxl7RDf2IsWP8qU3pNLbiySveY9rrFDgKPKAjC0JYSJ1yRsoaq7LHp4InCnQmzqehaK2b2gtpez7zX/.", 1]
]

/** How many timed checks of each reference are made (after one that warms it up); their median is taken. */
const RUNS = 3

/**
 * The time, in milliseconds, of the slowest check at the reference parameters on this machine: for each scheme the
 * median of a few checks of a wrong password, scaled to the reference parameters; the largest of them.
 */
export const measureSlowestCheck = async (): Promise<number> => {
  let slowest = 0
  for (const [hash, scale] of REFERENCES) {
    await checkPassword("not the calibration password", hash)
    const times: Array<number> = []
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now()
      await checkPassword("not the calibration password", hash)
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    slowest = Math.max(slowest, (times[Math.floor(RUNS / 2)] ?? 0) * scale)
  }
  return slowest
}
