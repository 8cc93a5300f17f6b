const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe for HTML content and attribute values: reports quote hostile input verbatim. */
export const esc = (text: unknown): string => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
