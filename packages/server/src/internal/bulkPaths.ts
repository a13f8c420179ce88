/**
 * Where the bulk routes are served.
 */

/** The path of the import route, which `normalizeRefusals` leaves to it (its body is not JSON, and larger). */
export const IMPORT_PATH = "/api/v1/import"

/** The path of the export route. */
export const EXPORT_PATH = "/api/v1/export"
