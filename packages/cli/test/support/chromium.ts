import { readFileSync } from "node:fs"
import { type Browser, chromium } from "playwright"

/** The system Chromium, launched as the element's component tests launch it (`DT_CHROMIUM` overrides its path). */
export const launchChromium = (): Promise<Browser> => {
  const launch = JSON.parse(
    readFileSync(new URL("../../../web-components/test/chromium.json", import.meta.url), "utf8")
  ) as { readonly executablePath: string; readonly args: Array<string> }
  return chromium.launch({ executablePath: process.env.DT_CHROMIUM ?? launch.executablePath, args: launch.args })
}
