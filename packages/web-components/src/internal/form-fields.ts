import { msg } from "@lit/localize"
import { html, nothing } from "lit"
import { generatePassword } from "./validation.js"

/** A field of a form dialog: its name (`id` `f-${name}`), label, starting value and how it may be edited. */
export interface TextField {
  readonly name: string
  readonly label: string
  readonly value: string
  readonly type?: "text" | "email" | "password"
  /** Not editable at all (a username after creation): greyed out and skipped by Tab. */
  readonly disabled?: boolean
  /** Shown but not editable (a record the actor may not change): readable, selectable, styled as read-only. */
  readonly readOnly?: boolean
  /** Must be filled in: marked with an asterisk and `aria-required`. */
  readonly required?: boolean
  /** The id of a text that says why the field cannot be changed (with `readOnly`). */
  readonly reason?: string
}

/** The ids that describe a field: its refusal, then the reason it is read-only. */
const describedBy = (error: string | undefined, name: string, reason: string | undefined) => {
  const ids = [...(error === undefined ? [] : [`e-${name}`]), ...(reason === undefined ? [] : [reason])]
  return ids.length === 0 ? nothing : ids.join(" ")
}

/** A field's label, with the asterisk of a required field (its `aria-required` says it to assistive technology). */
const label = (field: TextField) =>
  html`<label for=${`f-${field.name}`}
    >${field.label}${field.required === true ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label
  >`

/** The refusal below a field, if any. */
const errorOf = (name: string, error: string | undefined) =>
  error === undefined ? nothing : html`<span class="error" id=${`e-${name}`}>${error}</span>`

/** A text field of a form dialog (`id` `f-${name}`), with the refusal that concerns it below it. */
export const textField = (errors: Readonly<Record<string, string>>, field: TextField) => {
  const { name, type } = field
  const error = errors[name]
  return html`<div class="field">
        ${label(field)}
        <input
          id=${`f-${name}`}
          name=${name}
          type=${type ?? nothing}
          autocomplete=${type === "password" ? "new-password" : "off"}
          .defaultValue=${field.value}
          ?disabled=${field.disabled === true}
          ?readonly=${field.readOnly === true}
          aria-required=${field.required === true && field.readOnly !== true ? "true" : nothing}
          aria-invalid=${error === undefined ? "false" : "true"}
          aria-describedby=${describedBy(error, name, field.readOnly === true ? field.reason : undefined)}
        />
        ${errorOf(name, error)}
      </div>`
}

/** Shows or hides the password of the field the toggle `button` controls. */
const togglePassword = (button: HTMLButtonElement, show?: boolean) => {
  const input = button.closest(".field")?.querySelector("input")
  if (input === null || input === undefined) return
  const shown = show ?? input.type === "password"
  input.type = shown ? "text" : "password"
  button.setAttribute("aria-pressed", shown ? "true" : "false")
}

/**
 * A new password's field (`id` `f-${name}`): a Show password toggle (`aria-pressed`) and Generate, which fills in a
 * random password of at least `minLength` characters (a safe default when the form knows no minimum) and shows it.
 */
export const passwordField = (
  errors: Readonly<Record<string, string>>,
  field: Omit<TextField, "type" | "value" | "readOnly" | "reason"> & { readonly minLength?: number | undefined }
) => {
  const { name } = field
  const error = errors[name]
  return html`<div class="field">
    ${label({ ...field, value: "" })}
    <div class="password">
      <input
        id=${`f-${name}`}
        name=${name}
        type="password"
        autocomplete="new-password"
        spellcheck="false"
        aria-required=${field.required === true ? "true" : nothing}
        aria-invalid=${error === undefined ? "false" : "true"}
        aria-describedby=${describedBy(error, name, undefined)}
      />
      <button
        type="button"
        part="button"
        aria-pressed="false"
        aria-controls=${`f-${name}`}
        @click=${(event: Event) => togglePassword(event.currentTarget as HTMLButtonElement)}
      >
        ${msg("Show password")}
      </button>
      <button
        type="button"
        part="button"
        @click=${(event: Event) => {
          const button = event.currentTarget as HTMLButtonElement
          const input = button.closest(".field")?.querySelector("input")
          const toggle = button.previousElementSibling as HTMLButtonElement | null
          if (input === null || input === undefined || toggle === null) return
          input.value = generatePassword(field.minLength)
          // Shown, so that it can be copied and handed over; the form hears it as typing (its error clears).
          togglePassword(toggle, true)
          input.dispatchEvent(new Event("input", { bubbles: true, composed: true }))
          input.focus()
        }}
      >
        ${msg("Generate")}
      </button>
    </div>
    ${errorOf(name, error)}
  </div>`
}
