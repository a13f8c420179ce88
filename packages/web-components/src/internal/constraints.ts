/**
 * The constraints the User Manager API's OpenAPI document states for each field of the request bodies the element's
 * forms fill in (required, lengths, patterns): generated from the server's definition
 * (packages/server/test/ElementClientTypes.test.ts), never edited by hand. The server's refusal stays the final word.
 * To regenerate:
 * DT_WRITE_CLIENT_TYPES=1 npx vitest run --project server packages/server/test/ElementClientTypes.test.ts
 */
export const constraints = {
  "CreateUser": {
    "username": {
      "required": true,
      "minLength": 1,
      "maxLength": 32,
      "pattern": "^[a-z_][a-z0-9._-]*$",
      "description": "1–32 characters: a-z, 0-9, '.', '_', '-'"
    },
    "firstName": {
      "required": false,
      "maxLength": 64,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$",
      "description": "0–64 characters (empty: no name)"
    },
    "lastName": {
      "required": false,
      "maxLength": 64,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$",
      "description": "0–64 characters (empty: no name)"
    },
    "email": {
      "required": false,
      "maxLength": 254,
      "pattern": "^\\s*[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+\\s*$",
      "description": "name@example.com"
    },
    "password": {
      "required": false,
      "minLength": 8,
      "maxLength": 256,
      "description": "8–256 characters; never returned"
    },
    "groups": {
      "required": true,
      "minItems": 1,
      "description": "at least one existing group"
    },
    "externalId": {
      "required": false,
      "minLength": 1,
      "maxLength": 1024,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's id of the record, kept as given (1–1,024 characters)"
    },
    "externalName": {
      "required": false,
      "minLength": 1,
      "maxLength": 256,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's name of the record, kept as given (1–256 characters)"
    }
  },
  "ModifyUser": {
    "firstName": {
      "required": false,
      "maxLength": 64,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$",
      "description": "0–64 characters (empty: no name)"
    },
    "lastName": {
      "required": false,
      "maxLength": 64,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$",
      "description": "0–64 characters (empty: no name)"
    },
    "email": {
      "required": false,
      "maxLength": 254,
      "pattern": "^\\s*[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+\\s*$",
      "description": "name@example.com"
    },
    "externalId": {
      "required": false,
      "minLength": 1,
      "maxLength": 1024,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's id of the record, kept as given (1–1,024 characters)"
    },
    "externalName": {
      "required": false,
      "minLength": 1,
      "maxLength": 256,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's name of the record, kept as given (1–256 characters)"
    },
    "groups": {
      "required": false,
      "minItems": 1,
      "description": "replaces the set; never empty"
    },
    "enabled": {
      "required": false,
      "description": "enables or disables the user with the other changes (refused as /disable is: not oneself, not the last administrator)"
    }
  },
  "PasswordReset": {
    "password": {
      "required": true,
      "minLength": 8,
      "maxLength": 256,
      "description": "8–256 characters; never returned"
    }
  },
  "CreateGroup": {
    "name": {
      "required": true,
      "minLength": 1,
      "maxLength": 32,
      "pattern": "^[a-z_][a-z0-9._-]*$",
      "description": "1–32 characters: a-z, 0-9, '.', '_', '-'"
    },
    "externalId": {
      "required": false,
      "minLength": 1,
      "maxLength": 1024,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's id of the record, kept as given (1–1,024 characters)"
    },
    "externalName": {
      "required": false,
      "minLength": 1,
      "maxLength": 256,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's name of the record, kept as given (1–256 characters)"
    }
  },
  "ModifyGroup": {
    "name": {
      "required": false,
      "minLength": 1,
      "maxLength": 32,
      "pattern": "^[a-z_][a-z0-9._-]*$",
      "description": "1–32 characters: a-z, 0-9, '.', '_', '-'"
    },
    "externalId": {
      "required": false,
      "minLength": 1,
      "maxLength": 1024,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's id of the record, kept as given (1–1,024 characters)"
    },
    "externalName": {
      "required": false,
      "minLength": 1,
      "maxLength": 256,
      "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$",
      "description": "the identity provider's name of the record, kept as given (1–256 characters)"
    },
    "members": {
      "required": false,
      "description": "the whole new member list (for small groups); not with addMembers or removeMembers"
    },
    "addMembers": {
      "required": false,
      "description": "users to add; costs what it changes, whatever the size"
    },
    "removeMembers": {
      "required": false,
      "description": "users to remove"
    }
  },
  "CreateTokenBody": {
    "name": {
      "required": true,
      "minLength": 1,
      "maxLength": 32,
      "pattern": "^[a-z_][a-z0-9._-]*$",
      "description": "the client it is for: 1–32 characters, a-z, 0-9, '.', '_', '-'"
    },
    "scope": {
      "required": true,
      "description": "api: what an administrator may do, through the HTTP API; scim: the same, through /scim/v2 only; read: reads only"
    },
    "expiresAt": {
      "required": false,
      "description": "a string to be decoded into a Date",
      "x-defaultDays": 90,
      "x-maximumDays": 1825
    }
  }
} as const
