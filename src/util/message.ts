/**
 * Messages that name options. A library error or warning that tells the user what to set names
 * the option of the function that was called (`{missing: 'drop'}`), not a command-line flag; the
 * CLI prints the flag that sets that option instead (`--missing drop`). So the message is kept
 * as text parts and option mentions, and rendered for its reader:
 *
 *   throw new DataError(message`missing value. Use ${option('missing', ['drop', 'mean'])} ...`)
 *
 *   library (error.message)   missing value. Use {missing: 'drop' | 'mean'} ...
 *   CLI (src/cli/flags.ts)    missing value. Use --missing drop|mean ...
 *
 * A mention the CLI has no flag for keeps its library wording, so every rendering names
 * something that exists.
 */

/** An option named in a message, with the value(s) it suggests. */
export interface OptionMention {
  readonly kind: 'option';
  /** The option's name in the library (`missing`, `memoryLimit`). */
  readonly option: string;
  /** The value suggested; an array lists alternatives. */
  readonly value?: string | number | boolean | readonly (string | number)[];
  /** The value is a placeholder the user fills in (N, centres), not a literal. */
  readonly placeholder?: boolean;
  /** The library's wording when it is not `{option: value}` (a function to call, say). */
  readonly library?: string;
}

/** Optional parts of a mention. */
export interface MentionDetails {
  placeholder?: boolean;
  library?: string;
}

/** A mention of `option` (with a suggested value, or alternatives) for `message`. */
export function option(
  name: string,
  value?: OptionMention['value'],
  details: MentionDetails = {},
): OptionMention {
  return {
    kind: 'option',
    option: name,
    ...(value === undefined ? {} : { value }),
    ...(details.placeholder ? { placeholder: true } : {}),
    ...(details.library === undefined ? {} : { library: details.library }),
  };
}

/** How a reader names an option: a text, or undefined to keep the library's wording. */
export type MentionRenderer = (mention: OptionMention) => string | undefined;

/** Text with option mentions; `render()` writes it for the library, `render(cli)` for the CLI. */
export class MessageText {
  readonly parts: readonly (string | OptionMention)[];

  constructor(parts: readonly (string | OptionMention)[]) {
    this.parts = parts;
  }

  /** The text, each mention named by `name` (or as the library names it). */
  render(name?: MentionRenderer): string {
    let out = '';
    for (const p of this.parts) {
      out += typeof p === 'string' ? p : (name?.(p) ?? libraryName(p));
    }
    return out;
  }

  /** The mentions, in order. */
  mentions(): OptionMention[] {
    return this.parts.filter((p): p is OptionMention => typeof p !== 'string');
  }

  toString(): string {
    return this.render();
  }
}

/** A text or a `MessageText`, as errors and warnings accept them. */
export type MessageLike = string | MessageText;

/**
 * Tagged template for a `MessageText`: `${option(...)}` becomes a mention, a nested `MessageText`
 * is spliced in, anything else is written as text.
 */
export function message(strings: TemplateStringsArray, ...values: unknown[]): MessageText {
  const parts: (string | OptionMention)[] = [];
  const text = (s: string) => {
    if (s === '') return;
    const last = parts.length - 1;
    if (last >= 0 && typeof parts[last] === 'string') parts[last] += s;
    else parts.push(s);
  };
  strings.forEach((s, i) => {
    text(s);
    if (i >= values.length) return;
    const v = values[i];
    if (v instanceof MessageText)
      for (const p of v.parts) typeof p === 'string' ? text(p) : parts.push(p);
    else if (isMention(v)) parts.push(v);
    else text(String(v));
  });
  return new MessageText(parts);
}

/** `items` joined by `separator`, mentions kept. */
export function joinMessages(items: readonly MessageLike[], separator: string): MessageText {
  const parts: (string | OptionMention)[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(separator);
    if (typeof item === 'string') parts.push(item);
    else parts.push(...item.parts);
  });
  return message`${new MessageText(parts)}`;
}

/** A `MessageText` of a plain string, or the text itself. */
export function toMessageText(text: MessageLike): MessageText {
  return typeof text === 'string' ? new MessageText([text]) : text;
}

function isMention(v: unknown): v is OptionMention {
  return typeof v === 'object' && v !== null && (v as OptionMention).kind === 'option';
}

/** A value as the library writes it in an options object. */
function libraryValue(v: string | number | boolean, placeholder: boolean): string {
  return typeof v === 'string' && !placeholder ? `'${v}'` : String(v);
}

/** `{missing: 'drop' | 'mean'}`, `the 'exclude' option`, or the mention's own wording. */
export function libraryName(m: OptionMention): string {
  if (m.library !== undefined) return m.library;
  if (m.value === undefined) return `the '${m.option}' option`;
  const placeholder = m.placeholder ?? false;
  const value =
    typeof m.value === 'object'
      ? m.value.map((v) => libraryValue(v, placeholder)).join(' | ')
      : libraryValue(m.value, placeholder);
  return `{${m.option}: ${value}}`;
}
