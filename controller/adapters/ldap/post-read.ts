import { Attribute, type BerReader, BerWriter, Change, Control } from 'ldapts';

const SEQUENCE = 0x30;
const SET = 0x31;
const SEARCH_RESULT_ENTRY = 0x64; // [APPLICATION 4], constructed
const OCTET_STRING = 0x04;

/**
 * RFC 4527 post-read control: the server returns the named attributes of the entry as they are after the
 * modification, in the same atomic operation.
 */
export class PostReadControl extends Control {
  public static readonly OID = '1.3.6.1.1.13.2';
  public readonly attributes: string[];
  public values: Record<string, string[]> = {};
  /** The entry's DN as the directory spells it (its reads give the same), or '' when none came back. */
  public dn = '';

  public constructor(attributes: string[]) {
    super(PostReadControl.OID, { critical: true });
    this.attributes = attributes;
  }

  protected override writeControl(writer: BerWriter): void {
    // The control value is an OCTET STRING holding the BER of: AttributeSelection ::= SEQUENCE OF LDAPString
    const inner = new BerWriter();
    inner.startSequence(SEQUENCE);
    for (const attribute of this.attributes) inner.writeString(attribute);
    inner.endSequence();
    writer.writeBuffer(inner.buffer, OCTET_STRING);
  }

  protected override parseControl(reader: BerReader): void {
    this.values = {};
    if (reader.readSequence(SEARCH_RESULT_ENTRY) === null) return;
    this.dn = reader.readString() ?? '';
    if (reader.readSequence(SEQUENCE) === null) return;
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      reader.readSequence(SEQUENCE);
      const type = reader.readString() ?? '';
      reader.readSequence(SET);
      const setEnd = reader.offset + reader.length;
      const values: string[] = [];
      while (reader.offset < setEnd) values.push(reader.readString() ?? '');
      this.values[type] = values;
    }
  }
}

/** RFC 4525 modify-increment: adds `by` to an INTEGER attribute atomically, in the server. */
export class IncrementChange extends Change {
  public constructor(attribute: string, by: number) {
    super({ operation: 'replace', modification: new Attribute({ type: attribute, values: [String(by)] }) });
  }

  public override write(writer: BerWriter): void {
    writer.startSequence();
    writer.writeEnumeration(3); // increment (RFC 4525 §2)
    this.modification.write(writer);
    writer.endSequence();
  }
}
