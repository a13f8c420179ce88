import { html, nothing } from "lit"

/** A text field of a form dialog (`id` `f-${name}`), with the refusal that concerns it below it. */
export const textField = (
  errors: Readonly<Record<string, string>>,
  field: {
    readonly name: string
    readonly label: string
    readonly value: string
    readonly type?: "text" | "email" | "password"
    readonly disabled?: boolean
  }
) => {
  const { name, type } = field
  const error = errors[name]
  return html`<div class="field">
        <label for=${`f-${name}`}>${field.label}</label>
        <input
          id=${`f-${name}`}
          name=${name}
          type=${type ?? nothing}
          autocomplete=${type === "password" ? "new-password" : "off"}
          .defaultValue=${field.value}
          ?disabled=${field.disabled === true}
          aria-invalid=${error === undefined ? "false" : "true"}
          aria-describedby=${error === undefined ? nothing : `e-${name}`}
        />
        ${error === undefined ? nothing : html`<span class="error" id=${`e-${name}`}>${error}</span>`}
      </div>`
}
