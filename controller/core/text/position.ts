/** Line and column (both 1-based) of an offset in a text, and a one-line excerpt with a caret under it. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

export function caretExcerpt(text: string, offset: number): string {
  const { line, column } = positionAt(text, offset);
  const source = text.split('\n')[line - 1] ?? '';
  return `${source}\n${' '.repeat(column - 1)}^`;
}

/** "at 1:14" plus the excerpt, for error messages that point into a user's expression or filter. */
export function describePosition(text: string, offset: number): string {
  const { line, column } = positionAt(text, offset);
  return `at ${line}:${column}\n${caretExcerpt(text, offset)}`;
}
