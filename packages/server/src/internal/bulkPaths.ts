/**
 * Where the bulk routes are served.
 */

/** The path of the import route, which `normalizeRefusals` leaves to it (its body is not JSON, and larger). */
export const IMPORT_PATH = "/api/v1/import"

/** The path of the export route. */
export const EXPORT_PATH = "/api/v1/export"

/** The bulk routes by method, beside the HttpApi's own: the import takes POST, the export GET. */
export const BULK_ROUTES = [
  { method: "POST", path: IMPORT_PATH, template: IMPORT_PATH },
  { method: "GET", path: EXPORT_PATH, template: EXPORT_PATH }
] as const
