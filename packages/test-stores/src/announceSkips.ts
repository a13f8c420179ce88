/** Says plainly, once per run, which server suites are skipped and how to run them. */
export default function setup() {
  const missing = [
    ["DT_TEST_POSTGRES_URL", "PostgreSQL server (the PostgreSQL suites still run on PGlite)"],
    ["DT_TEST_MYSQL_URL", "MySQL/MariaDB server"]
  ].filter(([variable]) => !process.env[variable as string])
  for (const [variable, what] of missing) {
    process.stdout.write(`kysely: skipping the ${what} suites: set ${variable} to run them.\n`)
  }
}
