/**
 * @module tools/repair
 * Parses the near-JSON that models write inside tool-call blocks: trailing commas, unquoted keys,
 * single-quoted strings, comments, and unclosed strings / brackets at the end.
 */

/** Returns the parsed value, or undefined when even the repaired text is not JSON. */
export function parseLooseJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    /* repair below */
  }
  try {
    return JSON.parse(repairJson(trimmed));
  } catch {
    return undefined;
  }
}

function repairJson(input: string): string {
  let out = '';
  const stack: string[] = [];
  let inString: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (inString) {
      if (c === '\\') {
        out += c + (input[i + 1] ?? '');
        i++;
      } else if (c === inString) {
        out += '"';
        inString = null;
      } else if (c === '"') out += '\\"';
      else if (c === '\n') out += '\\n';
      else out += c;
      continue;
    }
    if (c === '"' || c === "'") {
      inString = c;
      out += '"';
    } else if (c === '/' && input[i + 1] === '/') {
      while (i < input.length && input[i] !== '\n') i++;
    } else if (c === '/' && input[i + 1] === '*') {
      const end = input.indexOf('*/', i + 2);
      i = end === -1 ? input.length : end + 1;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? '}' : ']');
      out += c;
    } else if (c === '}' || c === ']') {
      out = out.replace(/,\s*$/, '');
      if (stack[stack.length - 1] === c) stack.pop();
      out += c;
    } else if (/[A-Za-z_$]/.test(c)) {
      // A bare word: a key (quote it) or a literal (keep it).
      let j = i;
      while (j < input.length && /[\w$-]/.test(input[j])) j++;
      const word = input.slice(i, j);
      const rest = input.slice(j).trimStart();
      if (rest.startsWith(':')) out += JSON.stringify(word);
      else if (['true', 'false', 'null'].includes(word)) out += word;
      else if (word === 'True' || word === 'False' || word === 'None') out += { True: 'true', False: 'false', None: 'null' }[word];
      else out += JSON.stringify(word);
      i = j - 1;
    } else out += c;
  }
  if (inString) out += '"';
  out = out.replace(/,\s*$/, '').replace(/:\s*$/, ': null');
  while (stack.length) out += stack.pop();
  return out;
}
