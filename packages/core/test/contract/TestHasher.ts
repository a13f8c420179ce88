/** The fast test hasher, where the contract's other stores can import it. */
export { TestHasher } from "../TestHasher.js"
