/**
 * The brands phishers imitate most, with the registrable domains each really sends mail and hosts pages
 * from. DATA, not rules: identity.signal.ts (display names) and lookalike.ts (domains) read it.
 *
 * Where it comes from: the brands most impersonated in phishing as the public industry reports rank
 * them (Check Point's quarterly "Brand Phishing" reports, Vade's "Phishers' Favorites", the APWG's
 * Phishing Activity Trends reports: Microsoft, Google, Apple, Amazon, PayPal, Netflix, DHL, LinkedIn,
 * Meta, banks, parcel services, crypto wallets, tax offices), plus the parcel services and banks the
 * Portuguese-, Spanish-, German- and French-language phishing of the development corpus imitates
 * (Correios, Bradesco, Sparkasse, La Poste, …). Domains are each brand's own, as their sites, DMARC
 * records and mail headers show them: the registrable domain (Public Suffix List), so every subdomain
 * (`email.paypal.com`, `bounce.linkedin.com`) is covered by one entry.
 *
 * To extend: add an entry with the names a display name would carry (`names`, matched as whole words,
 * case, diacritics and confusable letters folded), the tokens a domain would carry (`tokens`: one under
 * six letters counts only as a whole part of the name between hyphens, dots or digits, `dhl-track.com`
 * but not `adhl.com`; omit a name that is also a common word), and every registrable domain the brand sends
 * or links from — a missing domain makes the brand's own mail look like an impersonation. `ambiguous`
 * marks names that are also ordinary words or first names (Chase, Apple, Steam, Shell): they count in a
 * display name only when it says nothing else but service words ("Chase Online", "Apple Support");
 * `wordNames` does the same for some names of a brand ("Weekly Outlook" is no Microsoft).
 */
export interface Brand {
  name: string;
  /** How a display name writes it; lower-case, whole words. */
  names: string[];
  /** Tokens that betray it inside a foreign domain (`paypal` in `paypal-secure-login.com`). */
  tokens: string[];
  /** Its own registrable domains, the main one first: look-alike checks measure misspellings against it alone. */
  domains: string[];
  /** The name is also an ordinary word or first name: a display name must be the brand and service words alone. */
  ambiguous?: boolean;
  /** The same, for some of the names only (Microsoft's `outlook` and `teams`, Norton the surname). */
  wordNames?: string[];
}

// One brand a line, so that the list reads as a table (prettier would spread each over a dozen lines).
// prettier-ignore
export const BRANDS: readonly Brand[] = [
  // Software, cloud and mail.
  { name: 'Microsoft', names: ['microsoft', 'office 365', 'office365', 'microsoft 365', 'outlook', 'onedrive', 'sharepoint', 'teams', 'hotmail', 'windows live', 'azure', 'xbox'], wordNames: ['outlook', 'teams', 'azure'], tokens: ['microsoft', 'office365', 'onedrive', 'sharepoint', 'hotmail', 'msonline'], domains: ['microsoft.com', 'microsoftonline.com', 'office.com', 'office365.com', 'outlook.com', 'live.com', 'hotmail.com', 'msn.com', 'sharepoint.com', 'onedrive.com', 'microsoft365.com', 'azure.com', 'windows.net', 'xbox.com', 'skype.com', 'bing.com', 'msft.net', 'mail.microsoft', 'microsoftstore.com', 'cloud.microsoft', 'sway.office.com', 'office.net', 'outlook.fr', 'outlook.de', 'hotmail.fr', 'hotmail.de', 'live.de', 'live.fr', 'microsoftsupport.com', 'microsoftonline-p.com', '1drv.ms', 'aka.ms'] },
  { name: 'Google', names: ['google', 'gmail', 'google drive', 'google docs', 'youtube', 'google workspace'], tokens: ['google', 'gmail', 'youtube'], domains: ['google.com', 'gmail.com', 'googlemail.com', 'youtube.com', 'goo.gl', 'google.de', 'google.fr', 'google.es', 'google.com.br', 'google.co.uk', 'withgoogle.com', 'googleapis.com', 'gstatic.com', 'googlegroups.com', 'g.co', 'forms.gle', 'g.page'] },
  { name: 'Apple', names: ['apple', 'icloud', 'itunes', 'app store', 'apple id', 'apple pay'], tokens: ['icloud', 'itunes', 'appleid', 'applepay'], domains: ['apple.com', 'icloud.com', 'me.com', 'mac.com', 'itunes.com', 'apple.news', 'apps.apple.com'], ambiguous: true },
  { name: 'Amazon', names: ['amazon', 'amazon prime', 'prime video', 'aws', 'amazon web services', 'kindle'], tokens: ['amazon', 'amazn'], domains: ['amazon.com', 'amazon.de', 'amazon.co.uk', 'amazon.fr', 'amazon.es', 'amazon.it', 'amazon.com.br', 'amazon.ca', 'amazon.co.jp', 'amazon.in', 'amazon.com.mx', 'amazonses.com', 'amazonaws.com', 'aws.amazon.com', 'amazon.nl', 'primevideo.com', 'a.co', 'amzn.to', 'awscloud.com', 'kindle.com'] },
  { name: 'PayPal', names: ['paypal'], tokens: ['paypal'], domains: ['paypal.com', 'paypal.me', 'paypal.de', 'paypal.fr', 'paypal.co.uk', 'paypal-communication.com', 'paypalobjects.com', 'paypal.es', 'paypal.it', 'paypal-community.com', 'xoom.com', 'venmo.com'] },
  { name: 'Netflix', names: ['netflix'], tokens: ['netflix'], domains: ['netflix.com', 'netflix.net', 'nflxext.com', 'nflximg.net', 'nflxso.net'] },
  { name: 'Adobe', names: ['adobe', 'adobe sign', 'adobe acrobat', 'acrobat'], tokens: ['adobe'], domains: ['adobe.com', 'adobesign.com', 'echosign.com', 'adobe.io', 'adobelogin.com', 'acrobat.com'] },
  { name: 'Dropbox', names: ['dropbox'], tokens: ['dropbox'], domains: ['dropbox.com', 'dropboxmail.com', 'dropboxusercontent.com', 'db.tt'] },
  { name: 'DocuSign', names: ['docusign', 'docu sign'], tokens: ['docusign', 'docusing'], domains: ['docusign.com', 'docusign.net', 'docusign.eu'] },
  { name: 'WeTransfer', names: ['wetransfer'], tokens: ['wetransfer'], domains: ['wetransfer.com', 'we.tl'] },
  { name: 'Zoom', names: ['zoom', 'zoom video'], tokens: [], domains: ['zoom.us', 'zoom.com', 'zoomgov.com'], ambiguous: true },
  { name: 'Slack', names: ['slack'], tokens: [], domains: ['slack.com', 'slackbot.com', 'slack-edge.com'], ambiguous: true },
  { name: 'Yahoo', names: ['yahoo', 'yahoo mail'], tokens: ['yahoo'], domains: ['yahoo.com', 'yahoogroups.com', 'egroups.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.com.br', 'yahoodns.net', 'ymail.com', 'rocketmail.com'] },
  { name: 'AOL', names: ['aol', 'aol mail'], tokens: [], domains: ['aol.com', 'aol.de', 'aim.com'] },
  { name: 'Proton', names: ['proton mail', 'protonmail'], tokens: ['protonmail'], domains: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'] },
  { name: 'GoDaddy', names: ['godaddy'], tokens: ['godaddy'], domains: ['godaddy.com', 'secureserver.net'] },
  { name: 'Webmail / cPanel', names: ['cpanel', 'webmail', 'roundcube'], tokens: ['cpanel', 'webmail', 'roundcube'], domains: ['cpanel.net', 'cpanel.com', 'roundcube.net'] },
  // Social and messaging.
  { name: 'Meta', names: ['facebook', 'meta', 'meta for business', 'instagram', 'whatsapp', 'messenger'], wordNames: ['meta', 'messenger'], tokens: ['facebook', 'instagram', 'whatsapp', 'fbmail'], domains: ['facebook.com', 'facebookmail.com', 'fb.com', 'meta.com', 'instagram.com', 'whatsapp.com', 'whatsapp.net', 'messenger.com', 'fb.me', 'metamail.com', 'mail.instagram.com', 'fbcdn.net'] },
  { name: 'LinkedIn', names: ['linkedin'], tokens: ['linkedin'], domains: ['linkedin.com', 'lnkd.in', 'licdn.com', 'linkedinmobileapp.com'] },
  { name: 'X / Twitter', names: ['twitter'], tokens: ['twitter'], domains: ['twitter.com', 'x.com', 't.co', 'twimg.com'] },
  { name: 'TikTok', names: ['tiktok'], tokens: ['tiktok'], domains: ['tiktok.com', 'tiktokv.com', 'tiktokcdn.com'] },
  { name: 'Telegram', names: ['telegram'], wordNames: ['telegram'], tokens: ['telegram'], domains: ['telegram.org', 't.me'] },
  { name: 'Discord', names: ['discord'], wordNames: ['discord'], tokens: ['discord'], domains: ['discord.com', 'discord.gg', 'discordapp.com'] },
  // Retail, streaming and games.
  { name: 'eBay', names: ['ebay'], tokens: ['ebay'], domains: ['ebay.com', 'ebay.de', 'ebay.co.uk', 'ebay.fr', 'ebay.es', 'ebay.it', 'ebay.com.au', 'ebay.ca', 'ebayinc.com'] },
  { name: 'Walmart', names: ['walmart'], tokens: ['walmart'], domains: ['walmart.com', 'walmart.ca', 'walmartmail.com'] },
  { name: 'Costco', names: ['costco'], tokens: ['costco'], domains: ['costco.com', 'costco.ca', 'costco.co.uk'] },
  { name: 'Target', names: ['target'], tokens: [], domains: ['target.com'], ambiguous: true },
  { name: 'Best Buy', names: ['best buy', 'bestbuy'], tokens: ['bestbuy'], domains: ['bestbuy.com', 'bestbuy.ca'] },
  { name: 'Home Depot', names: ['home depot', 'homedepot'], tokens: ['homedepot'], domains: ['homedepot.com'] },
  { name: 'Temu', names: ['temu'], tokens: ['temu'], domains: ['temu.com'] },
  { name: 'Shein', names: ['shein'], tokens: [], domains: ['shein.com'] },
  { name: 'AliExpress', names: ['aliexpress', 'alibaba'], tokens: ['aliexpress', 'alibaba'], domains: ['aliexpress.com', 'alibaba.com', 'aliexpress.us'] },
  { name: 'Mercado Livre', names: ['mercado livre', 'mercado libre', 'mercadolivre', 'mercadolibre', 'mercado pago'], tokens: ['mercadolivre', 'mercadolibre', 'mercadopago'], domains: ['mercadolivre.com.br', 'mercadolibre.com', 'mercadopago.com', 'mercadopago.com.br', 'mercadolibre.com.ar', 'mercadolibre.com.mx'] },
  { name: 'Spotify', names: ['spotify'], tokens: ['spotify'], domains: ['spotify.com', 'spotifymail.com', 'scdn.co'] },
  { name: 'Disney+', names: ['disney+', 'disney plus'], tokens: ['disneyplus'], domains: ['disneyplus.com', 'disney.com', 'go.com'] },
  { name: 'Steam', names: ['steam', 'valve'], tokens: ['steamcommunity', 'steampowered'], domains: ['steampowered.com', 'steamcommunity.com', 'valvesoftware.com', 'steamstatic.com'], ambiguous: true },
  { name: 'Roblox', names: ['roblox'], tokens: ['roblox'], domains: ['roblox.com'] },
  { name: 'Booking.com', names: ['booking.com', 'booking'], tokens: [], domains: ['booking.com', 'bstatic.com'], ambiguous: true },
  { name: 'Airbnb', names: ['airbnb'], tokens: ['airbnb'], domains: ['airbnb.com', 'airbnb.de', 'airbnb.fr', 'airbnb.es', 'airbnb.com.br', 'airbnbmail.com'] },
  { name: "Lowe's", names: ["lowe's", 'lowes'], tokens: [], domains: ['lowes.com'] },
  { name: "Dick's Sporting Goods", names: ["dick's sporting goods", 'dicks sporting goods'], tokens: ['dickssportinggoods'], domains: ['dickssportinggoods.com', 'dcsg.com'] },
  { name: "McDonald's", names: ["mcdonald's", 'mcdonalds'], tokens: ['mcdonalds'], domains: ['mcdonalds.com', 'mcdonalds.de', 'mcdonalds.fr', 'mcdonalds.com.br'] },
  { name: 'Lidl', names: ['lidl'], tokens: ['lidl'], domains: ['lidl.de', 'lidl.com', 'lidl.fr', 'lidl.es', 'lidl.co.uk', 'lidl.nl', 'lidl.pt'] },
  { name: 'Aldi', names: ['aldi', 'aldi sud', 'aldi nord'], tokens: [], domains: ['aldi.com', 'aldi-sued.de', 'aldi-nord.de', 'aldi.us', 'aldi.co.uk'] },
  { name: 'Deutsche Bahn', names: ['deutsche bahn'], tokens: ['deutschebahn'], domains: ['bahn.de', 'deutschebahn.com', 'db.de'] },
  { name: 'ADAC', names: ['adac'], tokens: ['adac'], domains: ['adac.de'] },
  // Telecoms and insurers (bills, refunds and loyalty rewards).
  { name: 'AT&T', names: ['at&t', 'att'], tokens: [], domains: ['att.com', 'att.net', 'sbcglobal.net'] },
  { name: 'Verizon', names: ['verizon', 'verizon wireless'], tokens: ['verizon'], domains: ['verizon.com', 'verizonwireless.com', 'vzw.com', 'verizon.net'] },
  { name: 'T-Mobile', names: ['t-mobile', 'tmobile'], tokens: [], domains: ['t-mobile.com', 't-mobile.de', 'telekom.de', 'telekom.com', 't-online.de'] },
  { name: 'Xfinity', names: ['xfinity', 'comcast'], tokens: ['xfinity', 'comcast'], domains: ['xfinity.com', 'comcast.net', 'comcast.com'] },
  { name: 'Vodafone', names: ['vodafone'], tokens: ['vodafone'], domains: ['vodafone.com', 'vodafone.de', 'vodafone.co.uk', 'vodafone.es', 'vodafone.pt', 'vodafonemail.de'] },
  { name: 'State Farm', names: ['state farm'], tokens: ['statefarm'], domains: ['statefarm.com'] },
  { name: 'GEICO', names: ['geico'], tokens: ['geico'], domains: ['geico.com'] },
  { name: 'Blue Cross Blue Shield', names: ['blue cross', 'bluecross', 'blue shield', 'bcbs'], tokens: ['bluecross', 'blueshield', 'bcbs'], domains: ['bcbs.com', 'bluecrossma.org', 'anthem.com', 'blueshieldca.com'] },
  // Security software.
  { name: 'Norton', names: ['norton', 'norton 360', 'norton lifelock', 'lifelock', 'gen digital'], wordNames: ['norton'], tokens: ['norton', 'lifelock'], domains: ['norton.com', 'nortonlifelock.com', 'lifelock.com', 'gendigital.com', 'symantec.com', 'avast.com', 'avg.com'] },
  { name: 'McAfee', names: ['mcafee'], tokens: ['mcafee'], domains: ['mcafee.com', 'mcafeemail.com'] },
  { name: 'Avast', names: ['avast', 'avg antivirus'], tokens: ['avast'], domains: ['avast.com', 'avg.com'] },
  { name: 'Kaspersky', names: ['kaspersky'], tokens: ['kaspersky'], domains: ['kaspersky.com'] },
  { name: 'Geek Squad', names: ['geek squad', 'geeksquad'], tokens: ['geeksquad'], domains: ['geeksquad.com', 'bestbuy.com'] },
  { name: 'TotalAV', names: ['totalav', 'total av'], tokens: ['totalav'], domains: ['totalav.com'] },
  // Parcel and postal services.
  { name: 'DHL', names: ['dhl', 'dhl express', 'deutsche post'], tokens: ['dhl'], domains: ['dhl.com', 'dhl.de', 'dhl.fr', 'dhl.es', 'dhl.co.uk', 'dhl.nl', 'dpdhl.com', 'deutschepost.de', 'dhl-news.com'] },
  { name: 'FedEx', names: ['fedex'], tokens: ['fedex'], domains: ['fedex.com'] },
  { name: 'UPS', names: ['ups', 'united parcel service'], tokens: [], domains: ['ups.com'], ambiguous: true },
  { name: 'USPS', names: ['usps', 'us postal service', 'united states postal service'], tokens: ['usps'], domains: ['usps.com', 'usps.gov'] },
  { name: 'Royal Mail', names: ['royal mail'], tokens: ['royalmail'], domains: ['royalmail.com', 'royalmail.co.uk'] },
  { name: 'DPD', names: ['dpd'], tokens: [], domains: ['dpd.com', 'dpd.de', 'dpd.co.uk', 'dpd.fr'] },
  { name: 'Hermes / Evri', names: ['hermes', 'evri'], tokens: [], domains: ['myhermes.de', 'hermesworld.com', 'evri.com', 'myhermes.co.uk'], ambiguous: true },
  { name: 'La Poste', names: ['la poste', 'colissimo', 'chronopost'], tokens: ['colissimo', 'chronopost'], domains: ['laposte.fr', 'laposte.net', 'colissimo.fr', 'chronopost.fr'] },
  { name: 'Correios', names: ['correios'], tokens: ['correios'], domains: ['correios.com.br'] },
  { name: 'Correos', names: ['correos'], tokens: ['correos'], domains: ['correos.es', 'correos.com'] },
  { name: 'CTT', names: ['ctt', 'ctt correios'], tokens: [], domains: ['ctt.pt'] },
  { name: 'PostNL', names: ['postnl'], tokens: ['postnl'], domains: ['postnl.nl', 'postnl.com'] },
  { name: 'Canada Post', names: ['canada post', 'postes canada'], tokens: ['canadapost'], domains: ['canadapost.ca', 'postescanada.ca', 'canadapost-postescanada.ca'] },
  { name: 'Australia Post', names: ['australia post', 'auspost'], tokens: ['auspost'], domains: ['auspost.com.au'] },
  // Banks and payment cards.
  { name: 'Chase', names: ['chase', 'jpmorgan chase', 'chase bank'], tokens: ['jpmorgan'], domains: ['chase.com', 'jpmorganchase.com', 'jpmorgan.com', 'chasecdn.com'], ambiguous: true },
  { name: 'Bank of America', names: ['bank of america', 'bankofamerica'], tokens: ['bankofamerica'], domains: ['bankofamerica.com', 'bofa.com', 'ml.com', 'merrilledge.com'] },
  { name: 'Wells Fargo', names: ['wells fargo', 'wellsfargo'], tokens: ['wellsfargo'], domains: ['wellsfargo.com', 'wf.com', 'wellsfargoadvisors.com'] },
  { name: 'Citi', names: ['citibank', 'citi'], tokens: ['citibank'], domains: ['citi.com', 'citibank.com', 'citigroup.com', 'citicards.com'] },
  { name: 'Capital One', names: ['capital one', 'capitalone'], tokens: ['capitalone'], domains: ['capitalone.com'] },
  { name: 'American Express', names: ['american express', 'amex'], tokens: ['americanexpress'], domains: ['americanexpress.com', 'aexp.com', 'amex.com', 'americanexpress.de', 'americanexpress.co.uk'] },
  { name: 'Visa', names: ['visa'], tokens: [], domains: ['visa.com', 'visa.co.uk', 'visaeurope.com'], ambiguous: true },
  { name: 'Mastercard', names: ['mastercard'], tokens: ['mastercard'], domains: ['mastercard.com', 'mastercard.us'] },
  { name: 'HSBC', names: ['hsbc'], tokens: ['hsbc'], domains: ['hsbc.com', 'hsbc.co.uk', 'hsbc.com.hk', 'us.hsbc.com', 'hsbc.fr'] },
  { name: 'Barclays', names: ['barclays', 'barclaycard'], tokens: ['barclays', 'barclaycard'], domains: ['barclays.co.uk', 'barclays.com', 'barclaycard.co.uk', 'barclaycardus.com'] },
  { name: 'Santander', names: ['santander'], tokens: ['santander'], domains: ['santander.com', 'santander.co.uk', 'santander.com.br', 'santander.es', 'santander.de', 'santander.pt', 'santander.com.mx'] },
  { name: 'ING', names: ['ing', 'ing bank', 'ing diba'], tokens: [], domains: ['ing.com', 'ing.de', 'ing.nl', 'ing.es', 'ing.be', 'ing.fr'], ambiguous: true },
  { name: 'Deutsche Bank', names: ['deutsche bank'], tokens: ['deutschebank'], domains: ['deutsche-bank.de', 'db.com', 'deutschebank.com'] },
  { name: 'Sparkasse', names: ['sparkasse', 'sparkassen'], tokens: ['sparkasse'], domains: ['sparkasse.de', 's-finanzgruppe.de', 'sparkasse.at'] },
  { name: 'Volksbank', names: ['volksbank', 'raiffeisenbank'], tokens: ['volksbank'], domains: ['vr.de', 'volksbank.de', 'dzbank.de'] },
  { name: 'Commerzbank', names: ['commerzbank'], tokens: ['commerzbank'], domains: ['commerzbank.de', 'commerzbank.com'] },
  { name: 'BNP Paribas', names: ['bnp paribas', 'bnp'], tokens: ['bnpparibas'], domains: ['bnpparibas.com', 'bnpparibas.fr', 'mabanque.bnpparibas'] },
  { name: 'Crédit Agricole', names: ['credit agricole'], tokens: ['creditagricole'], domains: ['credit-agricole.fr', 'credit-agricole.com', 'ca-paris.fr'] },
  { name: 'Société Générale', names: ['societe generale'], tokens: ['societegenerale'], domains: ['societegenerale.fr', 'societegenerale.com', 'sg.fr'] },
  { name: 'BBVA', names: ['bbva'], tokens: ['bbva'], domains: ['bbva.com', 'bbva.es', 'bbva.mx', 'bbva.com.co'] },
  { name: 'CaixaBank', names: ['caixabank', 'la caixa'], tokens: ['caixabank'], domains: ['caixabank.es', 'caixabank.com'] },
  { name: 'Banco do Brasil', names: ['banco do brasil', 'ourocard'], tokens: ['bancodobrasil', 'ourocard'], domains: ['bb.com.br', 'bancodobrasil.com.br'] },
  { name: 'Bradesco', names: ['bradesco'], tokens: ['bradesco'], domains: ['bradesco.com.br', 'bradescoseguros.com.br', 'bradescocartoes.com.br'] },
  { name: 'Itaú', names: ['itau', 'itau unibanco'], tokens: ['itau'], domains: ['itau.com.br', 'itau.com', 'itaucard.com.br'] },
  { name: 'Caixa', names: ['caixa', 'caixa economica'], wordNames: ['caixa'], tokens: ['caixaeconomica'], domains: ['caixa.gov.br'] },
  { name: 'Nubank', names: ['nubank'], tokens: ['nubank'], domains: ['nubank.com.br', 'nu.com.mx'] },
  { name: 'Millennium bcp', names: ['millennium bcp', 'millenniumbcp'], tokens: ['millenniumbcp'], domains: ['millenniumbcp.pt'] },
  // Crypto.
  { name: 'Coinbase', names: ['coinbase'], tokens: ['coinbase'], domains: ['coinbase.com'] },
  { name: 'Binance', names: ['binance'], tokens: ['binance'], domains: ['binance.com', 'binance.us', 'binance.info'] },
  { name: 'MetaMask', names: ['metamask'], tokens: ['metamask'], domains: ['metamask.io', 'consensys.io', 'consensys.net'] },
  { name: 'Trust Wallet', names: ['trust wallet', 'trustwallet'], tokens: ['trustwallet'], domains: ['trustwallet.com'] },
  { name: 'Ledger', names: ['ledger', 'ledger live'], tokens: [], domains: ['ledger.com'], ambiguous: true },
  { name: 'Trezor', names: ['trezor'], tokens: ['trezor'], domains: ['trezor.io'] },
  { name: 'Kraken', names: ['kraken'], tokens: [], domains: ['kraken.com'], ambiguous: true },
  { name: 'Crypto.com', names: ['crypto.com'], tokens: [], domains: ['crypto.com'] },
  { name: 'Blockchain.com', names: ['blockchain.com'], tokens: [], domains: ['blockchain.com'] },
  // Tax offices and governments.
  { name: 'IRS', names: ['irs', 'internal revenue service'], tokens: [], domains: ['irs.gov', 'treasury.gov'] },
  { name: 'HMRC', names: ['hmrc', 'hm revenue'], tokens: [], domains: ['hmrc.gov.uk'] },
  { name: 'Receita Federal', names: ['receita federal'], tokens: ['receitafederal'], domains: ['receita.fazenda.gov.br', 'rfb.gov.br'] },
  { name: 'Agencia Tributaria', names: ['agencia tributaria'], tokens: ['agenciatributaria'], domains: ['agenciatributaria.gob.es', 'agenciatributaria.es'] },
  { name: 'ATO', names: ['australian taxation office'], tokens: [], domains: ['ato.gov.au'] },
  { name: 'FBI', names: ['fbi', 'federal bureau of investigation'], tokens: [], domains: ['fbi.gov', 'ic3.gov'] },
];
