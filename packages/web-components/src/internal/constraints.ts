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
    "groups": {
      "required": false,
      "minItems": 1,
      "description": "replaces the set; never empty"
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
  }
} as const
