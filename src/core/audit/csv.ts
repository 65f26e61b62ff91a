/**
 * An RFC 4180 CSV reader for the files users bring to an audit: comma-separated, fields optionally in double quotes,
 * a quote inside a quoted field written as two, line breaks allowed inside quotes, CRLF or LF (a lone CR too) between
 * records. A UTF-8 byte-order mark at the start is dropped, and a final line break does not start an empty record.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts (records can span lines inside quotes). */
  line: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Every record with the line it starts on, so callers can point the user at the line that is wrong. `source` (a file
 * name) starts the error messages when given.
 */
export function parseCsvRecords(text: string, source?: string): CsvRecord[] {
  const at = (line: number) => (source === undefined ? `CSV line ${line}` : `${source}, line ${line}`);
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let recordLine = 1;
  let line = 1;
  let i = 0;
  const n = input.length;
  // A record is open once any character of it has been read; this is what makes a final line break harmless.
  let open = false;

  const endRecord = () => {
    records.push({ fields, line: recordLine });
    fields = [];
    open = false;
  };
  // Consumes CRLF, LF or CR at i, if there is one, and reports whether it did.
  const skipLineBreak = (): boolean => {
    const c = input.charCodeAt(i);
    if (c === CR) {
      i += input.charCodeAt(i + 1) === LF ? 2 : 1;
    } else if (c === LF) {
      i += 1;
    } else {
      return false;
    }
    line++;
    return true;
  };

  while (i < n) {
    if (!open) {
      recordLine = line;
      open = true;
    }
    if (input.charCodeAt(i) === QUOTE) {
      const openedOn = line;
      let value = '';
      let start = ++i;
      for (;;) {
        if (i >= n) {
          throw new Error(
            `${at(openedOn)}: a field opened with a double quote (") is never closed. ` +
              'Close it with a quote, and write a quote inside a quoted field as two ("").',
          );
        }
        const c = input.charCodeAt(i);
        if (c === QUOTE) {
          if (input.charCodeAt(i + 1) === QUOTE) {
            value += input.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          value += input.slice(start, i);
          i++;
          break;
        }
        if (c === CR || c === LF) {
          // Line breaks inside quotes are part of the field, but still count as lines for the messages.
          skipLineBreak();
          continue;
        }
        i++;
      }
      fields.push(value);
      if (i >= n) {
        endRecord();
        break;
      }
      const after = input.charCodeAt(i);
      if (after === COMMA) {
        i++;
        if (i >= n) {
          fields.push('');
          endRecord();
        }
        continue;
      }
      if (skipLineBreak()) {
        endRecord();
        continue;
      }
      throw new Error(
        `${at(line)}: text follows the closing quote of a quoted field. ` + 'Put the whole field inside the quotes and write a quote inside it as two ("").',
      );
    }
    // An unquoted field runs to the next comma or line break; a stray quote inside it is kept as a character.
    let end = i;
    while (end < n) {
      const c = input.charCodeAt(end);
      if (c === COMMA || c === CR || c === LF) break;
      end++;
    }
    fields.push(input.slice(i, end));
    i = end;
    if (i >= n) {
      endRecord();
      break;
    }
    if (input.charCodeAt(i) === COMMA) {
      i++;
      if (i >= n) {
        fields.push('');
        endRecord();
      }
      continue;
    }
    skipLineBreak();
    endRecord();
  }
  return records;
}

/** The rows of a CSV file as strings; a blank line is a row with one empty field. */
export function parseCsv(text: string): string[][] {
  return parseCsvRecords(text).map((record) => record.fields);
}
