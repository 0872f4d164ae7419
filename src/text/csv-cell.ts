/**
 * A cell of a CSV the bot writes (an export, a batch's results) that a spreadsheet would read as a
 * formula is made plain text: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` before
 * it (OWASP's advice against CSV injection). A phone number in E.164 (`+1555…`) is shown as text
 * that way too, which is what it is. Quoting for commas, quotes and newlines is the CSV writer's job.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
