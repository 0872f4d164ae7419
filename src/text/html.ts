/**
 * Text typed by people put into HTML (the account pages, the welcome email's HTML part): the five
 * characters that could open a tag or close an attribute become entities.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
