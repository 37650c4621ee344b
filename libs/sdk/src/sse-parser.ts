/** One dispatched server-sent event (WHATWG HTML, "Interpreting an event stream"). */
export interface SseMessage {
  /** `event:` field; `message` when the server gave none. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** Last `id:` seen on the stream so far (it carries over to later events, as in browsers). */
  id: string;
}

/**
 * Incremental event-stream parser: feed decoded text as it arrives, get the complete events. Lines end in
 * CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are one line end); comments
 * (`:`) and unknown fields are ignored; an event without data is not dispatched; a half-received event at the
 * end of the stream is dropped, as the standard says.
 */
export class SseParser {
  private buffer = '';
  private skipLeadingLf = false;
  private event = '';
  private data: string[] = [];
  private lastId = '';

  push(text: string): SseMessage[] {
    let chunk = text;
    if (this.skipLeadingLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.skipLeadingLf = false;
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const message = this.line(this.buffer.slice(start, i));
      if (message) messages.push(message);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const event = this.event || 'message';
    const data = this.data;
    this.event = '';
    this.data = [];
    if (data.length === 0) return undefined;
    return { event, data: data.join('\n'), id: this.lastId };
  }
}
