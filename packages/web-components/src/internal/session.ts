import { ClientError, type UserManagerClient } from "../Client.js"

/** Whether a refusal says that nobody is signed in any more: the API's `Unauthenticated`, or a bare 401. */
export const isSignedOut = (error: unknown): boolean => {
  const tag = ClientError.from(error)._tag
  return tag === "Unauthenticated" || tag === "Http401"
}

/**
 * The client, watched: a call refused because nobody is signed in any more (the session expired or was ended) tells
 * `signedOut` before it is refused as usual. The client's optional operations stay optional.
 */
export const watchSession = (client: UserManagerClient, signedOut: (error: ClientError) => void): UserManagerClient =>
  new Proxy(client, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value !== "function") return value
      return (...args: Array<unknown>) => {
        const answer: unknown = value.apply(target, args)
        if (!(answer instanceof Promise)) return answer
        return answer.catch((error: unknown) => {
          if (isSignedOut(error)) signedOut(ClientError.from(error))
          throw error
        })
      }
    }
  })
