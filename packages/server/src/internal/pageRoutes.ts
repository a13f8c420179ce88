/**
 * The routes of the sign-in page: `/`, its script, its icon, and the `<user-manager>` bundle it is given, with its
 * catalogs.
 */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import * as Auth from "../Auth.js"
import type { PageOptions } from "../Server.js"
import { appJs, faviconSvg, indexHtml } from "./page.js"

/** A language tag as a catalog's file name carries it (`de`, `pt-BR`). */
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

const javascript = (code: string) => HttpServerResponse.text(code, { contentType: "text/javascript; charset=utf-8" })

/** The page at `/`, with its script, and the element's bundle and its catalogs when one is given. */
export const page = (options: PageOptions) => {
  const element = options.element !== undefined
  const signIn = HttpServerResponse.html(indexHtml({ element, signedIn: false }))
  const signedIn = HttpServerResponse.html(indexHtml({ element, signedIn: true }))
  return HttpApiBuilder.Router.use((router) =>
    Effect.all([
      // A browser that comes with a session cookie gets the signed-in page at once (whether the session is still
      // good is the API's to say, when the page and the element ask it).
      router.get(
        "/",
        Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
          Auth.credential(request).kind === "cookie" ? signedIn : signIn
        )
      ),
      router.get("/app.js", javascript(appJs)),
      router.get(
        "/favicon.svg",
        HttpServerResponse.text(faviconSvg, {
          contentType: "image/svg+xml",
          headers: { "cache-control": "public, max-age=86400" }
        })
      ),
      ...(options.element === undefined
        ? []
        : [
            router.get("/user-manager.js", javascript(options.element)),
            ...Object.entries(options.catalogs ?? {})
              .filter(([language]) => LANGUAGE.test(language))
              .map(([language, code]) => router.get(`/user-manager.${language}.js`, javascript(code)))
          ])
    ])
  )
}
