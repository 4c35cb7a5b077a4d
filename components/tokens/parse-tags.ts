/** "a, b，c" → ["a","b","c"] (ASCII and full-width commas). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,，]/).map((s) => s.trim()).filter(Boolean))].slice(0, 20);
}
