import { Signal } from '../../../src/domain/evidence.js';
import { disguisedWords } from '../../../src/playbooks/signals/obfuscation.signal.js';
import { foldText } from '../../../src/playbooks/signals/text.fold.js';
import { GRADES } from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

describe('CREDENTIAL_WORDING and PAYMENT_URGENCY', () => {
  test('phrases in English and other languages, case and diacritics folded', () => {
    expect(fired({ subject: 'Your account has been suspended' })).toHaveProperty(Signal.CREDENTIAL_WORDING);
    expect(fired({ body: 'Bitte BESTÄTIGEN Sie Ihr Konto innerhalb von 24 Stunden.' })).toHaveProperty(Signal.CREDENTIAL_WORDING);
    expect(fired({ body: 'Sua conta foi bloqueada. Atualize seus dados.' })[Signal.CREDENTIAL_WORDING]).toBe(GRADES.WORDING_REPEATED);
    expect(fired({ subject: 'Fatura em aberto', body: 'Evite o corte' })).toHaveProperty(Signal.PAYMENT_URGENCY);
    expect(fired({ body: 'Votre facture impayée doit être réglée' })).toHaveProperty(Signal.PAYMENT_URGENCY);
    expect(fired({ subject: 'Congratulations! You have won an iPhone' })).toHaveProperty(Signal.PAYMENT_URGENCY);
  });

  test('look-alike letters and hidden characters do not hide a phrase', () => {
    expect(foldText('V\u0435r\u0456fy y\u200bour acc\u043eunt')).toBe('verify your account');
    expect(fired({ subject: 'V\u0435r\u0456fy your account now' })).toHaveProperty(Signal.CREDENTIAL_WORDING);
  });

  test('ordinary words are none', () => {
    expect(fired({ subject: 'Password policy meeting', body: 'We will discuss the account plan and the invoice template.' })).toEqual({});
    expect(fired({ body: undefined })).toEqual({});
  });
});

describe('OBFUSCATED_TEXT', () => {
  test('Latin words with look-alike letters of other scripts, hidden characters or overlays inside', () => {
    expect(disguisedWords('Your P\u0430yP\u0430l account')).toEqual(['P\u0430yP\u0430l']);
    expect(disguisedWords('Micro\u200bsoft')).toHaveLength(1);
    expect(disguisedWords('Fa\u0337lha na entrega')).toHaveLength(1);
    expect(fired({ senderName: '\u13b7icrosoft Mail' })).toHaveProperty(Signal.OBFUSCATED_TEXT);
  });

  test('not whole words of another script, mixed-language text or emoji sequences', () => {
    expect(disguisedWords('Привет, это Microsoft Teams')).toEqual([]);
    expect(disguisedWords('OpenText社 infocomです')).toEqual([]);
    expect(disguisedWords('Family 👨\u200d👩\u200d👧 photos, café, naïve')).toEqual([]);
  });
});

describe('HTML_ATTACHMENT and RISKY_ATTACHMENT', () => {
  test('HTML and SVG files; a form is shown but not scored', () => {
    expect(fired({ attachments: [{ name: 'Remittance.HTML' }] })[Signal.HTML_ATTACHMENT]).toBe(0.5);
    expect(fired({ attachments: [{ name: 'voice-message.svg' }] })).toHaveProperty(Signal.HTML_ATTACHMENT);
    expect(fired({ hasForm: true })[Signal.HTML_ATTACHMENT]).toBe(GRADES.HTML_FORM);
  });

  test('executables, disk images, shortcuts and scripts; disguised and macro files graded', () => {
    expect(fired({ attachments: [{ name: 'setup.exe' }] })[Signal.RISKY_ATTACHMENT]).toBe(0.7);
    expect(fired({ attachments: [{ name: 'Invoice.pdf.exe' }] })[Signal.RISKY_ATTACHMENT]).toBe(GRADES.ATTACHMENT_DOUBLE_EXTENSION);
    expect(fired({ attachments: [{ name: 'Invoice.pdf   .js' }] })[Signal.RISKY_ATTACHMENT]).toBe(GRADES.ATTACHMENT_DOUBLE_EXTENSION);
    expect(fired({ attachments: [{ name: 'scan.iso' }, { name: 'doc.lnk' }] })[Signal.RISKY_ATTACHMENT]).toBe(0.7);
    expect(fired({ attachments: [{ name: 'budget.xlsm' }] })[Signal.RISKY_ATTACHMENT]).toBe(GRADES.ATTACHMENT_MACRO);
    expect(fired({ attachments: [{ name: 'photos.zip' }] })[Signal.RISKY_ATTACHMENT]).toBe(GRADES.ATTACHMENT_ARCHIVE);
  });

  test('ordinary documents are none', () => {
    expect(fired({ attachments: [{ name: 'report.pdf' }, { name: 'notes.docx' }, { name: 'photo.jpg' }] })).toEqual({});
  });
});
