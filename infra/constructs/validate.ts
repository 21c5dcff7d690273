/** A prop check: when `condition` is false, `message` (which shows the received value) is reported. */
export interface Validation {
  readonly condition: boolean;
  readonly message: string;
}

/** Throws one error naming every failed validation, or returns. */
export function validate(validations: readonly Validation[]): void {
  const failed = validations.filter((v) => !v.condition).map((v) => v.message);
  if (failed.length > 0) throw new Error(`invalid props: ${failed.join('; ')}`);
}
