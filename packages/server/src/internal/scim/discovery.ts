/**
 * SCIM's discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this server supports, its two resource types, and
 * the schemas of the attributes it keeps.
 */
import { MAX_PAGE_SIZE } from "@user-manager/core/Page"
import { GROUP_SCHEMA, USER_SCHEMA } from "./filter.js"

const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

/** `GET /ServiceProviderConfig`. */
export const serviceProviderConfig = (base: string) => ({
  schemas: [SPC_SCHEMA],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_PAGE_SIZE },
  changePassword: { supported: false },
  sort: { supported: true },
  etag: { supported: true },
  authenticationSchemes: [
    {
      type: "oauthbearertoken",
      name: "API token",
      description:
        "An API token of scope scim (dt token create NAME --scope scim), sent as Authorization: Bearer dtk_…",
      primary: true
    }
  ],
  meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` }
})

const resourceType = (base: string, name: "User" | "Group", endpoint: string, schema: string) => ({
  schemas: [RESOURCE_TYPE_SCHEMA],
  id: name,
  name,
  endpoint,
  description: name === "User" ? "User Account" : "Group",
  schema,
  schemaExtensions: [],
  meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/${name}` }
})

/** `GET /ResourceTypes`. */
export const resourceTypes = (base: string) => [
  resourceType(base, "User", "/Users", USER_SCHEMA),
  resourceType(base, "Group", "/Groups", GROUP_SCHEMA)
]

interface Attribute {
  readonly name: string
  readonly type: "string" | "boolean" | "complex" | "reference" | "dateTime"
  readonly multiValued?: boolean
  readonly required?: boolean
  readonly mutability?: "readOnly" | "readWrite" | "immutable"
  readonly returned?: "always" | "default" | "never"
  readonly uniqueness?: "none" | "server"
  readonly caseExact?: boolean
  readonly description: string
  readonly subAttributes?: ReadonlyArray<unknown>
  readonly referenceTypes?: ReadonlyArray<string>
}

const attribute = (definition: Attribute) => ({
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite" as const,
  returned: "default" as const,
  uniqueness: "none" as const,
  ...definition
})

const USER_ATTRIBUTES = [
  attribute({
    name: "userName",
    type: "string",
    required: true,
    uniqueness: "server",
    description: "The name the identity provider gives; the user's id is a username derived from it"
  }),
  attribute({
    name: "name",
    type: "complex",
    description: "The user's name",
    subAttributes: [
      attribute({ name: "formatted", type: "string", mutability: "readOnly", description: "First and last name" }),
      attribute({ name: "givenName", type: "string", description: "First name (at most 64 characters)" }),
      attribute({ name: "familyName", type: "string", description: "Last name (at most 64 characters)" })
    ]
  }),
  attribute({ name: "displayName", type: "string", mutability: "readOnly", description: "First and last name" }),
  attribute({
    name: "emails",
    type: "complex",
    multiValued: true,
    description: "One address is kept: the primary one (else the first) of those given",
    subAttributes: [
      attribute({ name: "value", type: "string", description: "The address" }),
      attribute({ name: "type", type: "string", description: "Always work" }),
      attribute({ name: "primary", type: "boolean", description: "Always true" })
    ]
  }),
  attribute({ name: "active", type: "boolean", description: "Whether the user may sign in (enabled)" }),
  attribute({
    name: "groups",
    type: "complex",
    multiValued: true,
    mutability: "readOnly",
    description: "The groups the user is in; changed through the groups' members",
    subAttributes: [
      attribute({ name: "value", type: "string", mutability: "readOnly", description: "The group's id (its GID)" }),
      attribute({
        name: "$ref",
        type: "reference",
        mutability: "readOnly",
        referenceTypes: ["Group"],
        description: "The group's URI"
      }),
      attribute({ name: "display", type: "string", mutability: "readOnly", description: "The group's name" }),
      attribute({ name: "type", type: "string", mutability: "readOnly", description: "Always direct" })
    ]
  })
]

const GROUP_ATTRIBUTES = [
  attribute({
    name: "displayName",
    type: "string",
    required: true,
    description: "The name the identity provider gives; the group's name is derived from it"
  }),
  attribute({
    name: "members",
    type: "complex",
    multiValued: true,
    description: "The group's members (users only)",
    subAttributes: [
      attribute({ name: "value", type: "string", mutability: "immutable", description: "The user's id" }),
      attribute({
        name: "$ref",
        type: "reference",
        mutability: "immutable",
        referenceTypes: ["User"],
        description: "The user's URI"
      }),
      attribute({ name: "type", type: "string", mutability: "immutable", description: "Always User" })
    ]
  })
]

/** `GET /Schemas`. */
export const schemas = (base: string) => [
  {
    schemas: [SCHEMA_SCHEMA],
    id: USER_SCHEMA,
    name: "User",
    description: "User Account",
    attributes: USER_ATTRIBUTES,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${USER_SCHEMA}` }
  },
  {
    schemas: [SCHEMA_SCHEMA],
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group",
    attributes: GROUP_ATTRIBUTES,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${GROUP_SCHEMA}` }
  }
]
