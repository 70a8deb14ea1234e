/**
 * HTML_ATTACHMENT and RISKY_ATTACHMENT: files that are a phishing page or that run code when opened, by
 * their names (the type a mail client opens them as). WORKER-SAFE.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import type { SignalMessage } from './message.types.js';
import { evidence, GRADES } from './weights.js';

/** Opened in a browser: a local phishing page no link scanner visits. SVG runs script too. */
const HTML = new Set(['htm', 'html', 'shtml', 'xhtml', 'mht', 'mhtml', 'svg', 'svgz']);
/** Run code when opened on Windows: scripts, executables, shortcuts, installers, disk images that mount them past Mark-of-the-Web. */
// prettier-ignore
const EXECUTABLE = new Set([
  'exe', 'scr', 'com', 'pif', 'cpl', 'msi', 'msix', 'appx', 'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh',
  'hta', 'lnk', 'url', 'iso', 'img', 'vhd', 'vhdx', 'jar', 'reg', 'chm', 'xll', 'library-ms', 'search-ms', 'settingcontent-ms', 'one',
  'mobileconfig', 'apk', 'dmg', 'pkg', 'app',
]);
/** Office documents with macros. */
const MACRO = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlsb', 'xlam', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm']);
/** Archives: by name alone mostly innocent; they wrap the others to pass attachment filters. */
const ARCHIVE = new Set(['zip', 'rar', '7z', 'gz', 'tgz', 'ace', 'arj', 'cab', 'xz', 'bz2', 'z', 'lzh', 'r00']);
/** Extensions a disguise shows before the real one (`invoice.pdf.exe`). */
const DECOY = /\.(?:pdf|docx?|xlsx?|pptx?|rtf|txt|jpe?g|png|gif|mp3|mp4|csv)$/;

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
};

export function attachmentEvidence(m: SignalMessage): Evidence[] {
  const out: Evidence[] = [];
  for (const a of m.attachments.slice(0, 50)) {
    // Trailing dots and spaces are dropped by Windows (`x.exe .`); padding hides the real extension in a narrow column.
    const name = a.name.toLowerCase().replace(/[\s.]+$/, '');
    const ext = extensionOf(name);
    const stem = name.slice(0, name.length - ext.length - 1).trimEnd();
    if (HTML.has(ext)) out.push(evidence(Signal.HTML_ATTACHMENT, `Attachment ${a.name} opens as a web page`));
    else if (EXECUTABLE.has(ext) && DECOY.test(stem))
      out.push(
        evidence(Signal.RISKY_ATTACHMENT, `Attachment ${a.name} disguises a .${ext} as a document`, GRADES.ATTACHMENT_DOUBLE_EXTENSION),
      );
    else if (EXECUTABLE.has(ext)) out.push(evidence(Signal.RISKY_ATTACHMENT, `Attachment ${a.name} runs code when opened (.${ext})`));
    else if (MACRO.has(ext))
      out.push(evidence(Signal.RISKY_ATTACHMENT, `Attachment ${a.name} is an Office file with macros`, GRADES.ATTACHMENT_MACRO));
    else if (ARCHIVE.has(ext)) out.push(evidence(Signal.RISKY_ATTACHMENT, `Attachment ${a.name} is an archive`, GRADES.ATTACHMENT_ARCHIVE));
  }
  if (m.hasForm) out.push(evidence(Signal.HTML_ATTACHMENT, 'The message body holds an HTML form', GRADES.HTML_FORM));
  return out;
}
