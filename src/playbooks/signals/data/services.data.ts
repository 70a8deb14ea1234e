/**
 * Services that anyone can put a page, a form, a file or a redirect on in minutes, for free, under a
 * trusted name: phishing kits use them so that the link's domain has a clean reputation. DATA for
 * links.signal.ts. A link to one of them is weak evidence on its own (legitimate mail uses them too), so
 * the weight is small (weights.ts).
 *
 * Where it comes from: the services named in public abuse reporting — URL shorteners and free hosting in
 * Spamhaus and Netcraft phishing reports, "living off trusted sites" (LOTS Project, lots-project.com),
 * Cofense and Proofpoint write-ups of cloud-storage and form-builder phishing, IPFS gateways in Cisco
 * Talos' and Trustwave's IPFS phishing reports.
 *
 * Each entry is a host (`bit.ly`) that matches itself and its subdomains, optionally with a path prefix
 * (`docs.google.com/forms`) that the link's path must start with. To extend: add the host of a service
 * whose pages or redirects any stranger can create, under the category that says why.
 */
export enum AbusedServiceKind {
  SHORTENER = 'URL shortener',
  HOSTING = 'free hosting or site builder',
  CLOUD_STORAGE = 'public cloud storage',
  FORM = 'form builder',
  FILE_SHARING = 'file sharing',
  IPFS = 'IPFS gateway',
}

// prettier-ignore
export const ABUSED_SERVICES: Readonly<Record<AbusedServiceKind, readonly string[]>> = {
  [AbusedServiceKind.SHORTENER]: [
    'bit.ly', 'bitly.com', 'tinyurl.com', 'is.gd', 'v.gd', 'ow.ly', 'buff.ly', 'rebrand.ly', 'cutt.ly', 'shorturl.at', 't.ly',
    'tiny.cc', 'rb.gy', 'shorte.st', 'adf.ly', 'bl.ink', 'qrco.de', 'qr.codes', 's.id', 'u.to', 'clck.ru', 'goo.su', 'urlz.fr',
    'page.link', 'short.gy', 'lnkd.in', 'surl.li', 'tinu.be', 'x.gd', 'shorturl.gg', '2no.co', 'linktr.ee', 'lihi.cc', 'hyperurl.co',
  ],
  [AbusedServiceKind.HOSTING]: [
    'web.app', 'firebaseapp.com', 'pages.dev', 'workers.dev', 'netlify.app', 'vercel.app', 'github.io', 'gitlab.io', 'glitch.me',
    'repl.co', 'replit.app', 'herokuapp.com', 'onrender.com', 'azurewebsites.net', 'web.core.windows.net', 'run.app',
    'cloudfunctions.net', 'appspot.com', 'weebly.com', 'weeblysite.com', 'wixsite.com', 'wix.com/site', 'square.site',
    'godaddysites.com', 'webflow.io', 'framer.website', 'framer.app', 'carrd.co', 'blogspot.com', 'sites.google.com',
    'wordpress.com', '000webhostapp.com', 'surge.sh', 'fly.dev', 'ngrok.io', 'ngrok-free.app', 'trycloudflare.com', 'mystrikingly.com',
    'strikingly.com', 'yolasite.com', 'jimdosite.com', 'webnode.page', 'notion.site', 'gamma.site', 'tilda.ws', 'ukit.me',
    'myportfolio.com', 'wcomhost.com', 'translate.goog', 'dynv6.net', 'duckdns.org', 'no-ip.org', 'ddns.net',
  ],
  [AbusedServiceKind.CLOUD_STORAGE]: [
    'storage.googleapis.com', 'firebasestorage.googleapis.com', 's3.amazonaws.com', 'blob.core.windows.net', 'r2.dev',
    'digitaloceanspaces.com', 'backblazeb2.com', 'objectstorage.oraclecloud.com', 'cloud.appwrite.io', 'supabase.co',
  ],
  [AbusedServiceKind.FORM]: [
    'forms.gle', 'docs.google.com/forms', 'forms.office.com', 'forms.microsoft.com', 'typeform.com', 'jotform.com', 'jotform.me',
    'formstack.com', 'wufoo.com', 'cognitoforms.com', 'formsite.com', '123formbuilder.com', 'zohopublic.com', 'forms.app',
    'paperform.co', 'tally.so', 'getform.io', 'formspree.io', 'formbuilder.online', 'surveyheart.com',
  ],
  [AbusedServiceKind.FILE_SHARING]: [
    'mega.nz', 'mediafire.com', 'sendspace.com', 'files.fm', 'gofile.io', 'transfer.sh', 'anonfiles.com', 'filetransfer.io',
    'docdroid.net', 'docsend.com', '1drv.ms', 'dl.dropboxusercontent.com', 'canva.com/design', 'sway.cloud.microsoft',
    'sway.office.com', 'padlet.com', 'flowcode.com', 'smash.gy', 'pixeldrain.com', 'dropmefiles.com', 'zippyshare.com',
  ],
  [AbusedServiceKind.IPFS]: [
    'ipfs.io', 'dweb.link', 'cloudflare-ipfs.com', 'w3s.link', 'nftstorage.link', 'ipfs.w3s.link', 'gateway.pinata.cloud',
    'mypinata.cloud', 'fleek.co', 'infura-ipfs.io', '4everland.io', 'ipfs.fleek.co', 'storry.tv', 'ipfs.eth.aragon.network',
  ],
};

/**
 * Free mailbox providers: anyone gets an address there. A Reply-To on one of them under a company's From
 * is how business-email-compromise and advance-fee mail collect answers. From the providers' own sites;
 * extend with any provider that gives mailboxes without checking who asks.
 */
// prettier-ignore
export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.fr', 'hotmail.de', 'hotmail.co.uk', 'hotmail.es',
  'hotmail.it', 'live.com', 'live.fr', 'live.de', 'msn.com', 'yahoo.com', 'yahoo.fr', 'yahoo.de', 'yahoo.co.uk', 'yahoo.es',
  'yahoo.com.br', 'ymail.com', 'rocketmail.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'gmx.com', 'gmx.de', 'gmx.net',
  'gmx.at', 'web.de', 'mail.com', 'email.com', 'protonmail.com', 'proton.me', 'pm.me', 'tutanota.com', 'tuta.io', 'zoho.com',
  'zohomail.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru', 'rambler.ru', 'qq.com', '163.com',
  '126.com', 'sina.com', 'naver.com', 'daum.net', 'rediffmail.com', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br',
  'libero.it', 'virgilio.it', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 't-online.de', 'freenet.de',
  'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'hushmail.com', 'fastmail.com', 'mailfence.com', 'cock.li', 'keemail.me',
]);
