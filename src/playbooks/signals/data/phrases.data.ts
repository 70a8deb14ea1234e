/**
 * Wording of credential harvesting and of payment, urgency and reward lures: DATA for wording.signal.ts.
 *
 * Each entry is a regular-expression source over text folded by wording.signal.ts — lower-case,
 * diacritics removed (`bestätigen` → `bestatigen`, `contraseña` → `contrasena`), compatibility forms
 * unfolded (mathematical bold letters → ASCII), whitespace collapsed — matched between word boundaries.
 * Write entries in that folded form, and keep them to phrases an analyst would quote as the lure ("your
 * account has been suspended"), never single common words.
 *
 * Where it comes from: the lure categories of the Anti-Phishing Working Group's reports and of the
 * public phishing-awareness material of Microsoft, Google and national CERTs (account suspended, password
 * expiry, mailbox quota, shared document, unusual sign-in; invoice overdue, payment failed, parcel held,
 * gift cards, prize and survey rewards), in English and in the other languages of the development
 * corpus (Portuguese, Spanish, German, French; a few Dutch and Italian forms). To extend: add the
 * phrase in its folded form to the list of its kind and language; run `npm run eval:signals` to see its
 * firing rate on legitimate mail before keeping it.
 */

// prettier-ignore
export const CREDENTIAL_PHRASES: readonly string[] = [
  // English
  'verify (?:your|the) (?:account|identity|e-?mail(?: address)?|mailbox|information|details|login|wallet)',
  'confirm (?:your|the) (?:account|identity|e-?mail(?: address)?|password|mailbox|login)',
  '(?:validate|reactivate|re-activate|unlock|restore|reconfirm) (?:your|the) (?:account|mailbox|e-?mail|access)',
  '(?:your|the) (?:\\w+ )?(?:account|mailbox|e-?mail(?: account)?|password|access|wallet) (?:has been|have been|will be|is being|was|is) (?:temporarily )?(?:suspended|locked|disabled|deactivated|terminated|restricted|blocked|deleted|compromised|on hold|limited|unverified)',
  'password (?:will )?(?:expire|expires|expired|expiring|expiration)',
  '(?:mailbox|storage|inbox|e-?mail|cloud) (?:is )?(?:almost |nearly )?(?:full|over (?:its )?quota|quota exceeded|limit exceeded)',
  '(?:sign|log) ?in to (?:view|access|review|read|download|confirm|verify|restore)',
  'unusual (?:sign-?in|login|log-?in) activity',
  '(?:suspicious|unauthori[sz]ed|unusual) (?:sign-?in|login|log-?in|access) (?:attempt|detected|activity)',
  '(?:keep|retain|continue (?:using|with)) (?:the |your )?(?:same|current) password',
  '(?:pending|incoming|undelivered|held|blocked|suspended) (?:messages|e-?mails|mails)',
  '(?:shared|sent) (?:a |an )?(?:document|file|folder|pdf) with you',
  '(?:view|review|open|access) (?:the )?(?:shared |secure |encrypted )(?:document|file|message)',
  '(?:new )?voice ?mail (?:message )?(?:received|waiting|for you)',
  'update your (?:account|login|security|mailbox) (?:information|details|settings)',
  '(?:enter|provide|re-?enter) your (?:password|credentials|login details)',
  '(?:account|e-?mail|mailbox) (?:verification|validation|confirmation|deactivation|upgrade) (?:required|needed|pending|request|notice)',
  'failure to (?:verify|confirm|validate|update) (?:your )?(?:account|identity|e-?mail|information)',
  '(?:activation|verification) of (?:two-factor|2fa|multi-factor)',
  'seed phrase|recovery phrase|secret recovery',
  '(?:new|unusual|suspicious) (?:login|log-?in|sign-?in) attempt',
  'review (?:your|the) (?:recent )?account activity',
  '(?:prevent|avoid) (?:the )?(?:suspension|deactivation|closure|termination) of your (?:account|mailbox|wallet)|to prevent suspension',
  'kyc (?:verification|status|update)',
  // Portuguese
  '(?:verifique|confirme|atualize|valide|regularize|desbloqueie|recadastre|reative) (?:a |o )?(?:sua|seu|seus|suas) (?:conta|dados|cadastro|identidade|acesso|senha|chave)',
  '(?:sua|seu) (?:conta|cartao|acesso|cadastro|chave pix) (?:foi|esta|sera|pode ser) (?:temporariamente )?(?:bloquead|suspens|desativad|cancelad|restrit|expirad)[oa]s?',
  'atualizacao cadastral|dados cadastrais|recadastramento',
  'senha (?:expira|expirou|expirada|vai expirar)',
  '(?:modulo|dispositivo|chave) de seguranca',
  '(?:acesso|login) (?:suspeito|nao reconhecido)',
  // Spanish
  '(?:verifique|confirme|actualice|valide|desbloquee|reactive|verifica|confirma|actualiza) (?:su|sus|tu|tus) (?:cuenta|datos|identidad|informacion|contrasena|acceso)',
  '(?:su|tu) cuenta (?:ha sido|fue|sera|esta|ha quedado) (?:temporalmente )?(?:suspendid|bloquead|desactivad|restringid|cancelad|limitad)[oa]s?',
  'contrasena (?:caduca|expira|expirara|ha expirado|vencida|caducada)',
  'actividad (?:inusual|sospechosa) en (?:su|tu) cuenta',
  'verificacion de (?:su|tu) (?:cuenta|identidad)',
  // German
  '(?:bestatigen|verifizieren|aktualisieren|validieren|entsperren|reaktivieren) sie (?:ihr|ihre|ihren) (?:konto|daten|identitat|zugang|kennwort|passwort|angaben|postfach|kundenkonto)',
  '(?:ihr|ihre|dein|deine) (?:konto|kundenkonto|zugang|postfach|kennwort|passwort|karte) (?:wurde|wird|ist) (?:vorubergehend )?(?:gesperrt|deaktiviert|eingeschrankt|geloscht|abgelaufen|suspendiert|blockiert)',
  '(?:passwort|kennwort) (?:lauft|ist) (?:bald |heute )?(?:ab|abgelaufen)',
  '(?:ungewohnliche|verdachtige) (?:anmeldung|anmeldeaktivitat|aktivitat)',
  '(?:postfach|speicher|speicherplatz) (?:ist )?(?:fast )?(?:voll|uberschritten)',
  'konto (?:verifizierung|bestatigung|sperrung|uberprufung)',
  '(?:verifizierung|bestatigung) (?:ihres|ihrer) (?:kontos|identitat|daten)',
  // French
  '(?:verifiez|confirmez|mettez a jour|validez|debloquez|reactivez|verifier|confirmer) (?:votre|vos) (?:compte|identite|informations|donnees|mot de passe|coordonnees|acces)',
  'votre (?:compte|acces|boite(?: mail)?|carte) (?:a ete|sera|est) (?:temporairement )?(?:suspendu|bloque|desactive|restreint|supprime|ferme|limite)e?s?',
  'mot de passe (?:expire|expirera|a expire|arrive a expiration)',
  '(?:activite|connexion|tentative de connexion) (?:inhabituelle|suspecte)',
  '(?:boite|messagerie) (?:de reception )?(?:est )?(?:pleine|saturee)',
  'verification de (?:votre|vos) (?:identite|compte|coordonnees|informations)',
  // Dutch, Italian
  '(?:verifieer|bevestig|update) uw (?:account|gegevens|identiteit)',
  'uw (?:account|rekening) (?:is|wordt) (?:tijdelijk )?(?:geblokkeerd|opgeschort|gedeactiveerd)',
  '(?:verifica|conferma|aggiorna) (?:il tuo|la tua|i tuoi) (?:account|identita|dati)',
  'il tuo (?:account|conto) (?:e stato|sara) (?:sospeso|bloccato|disattivato)',
];

// prettier-ignore
export const PAYMENT_PHRASES: readonly string[] = [
  // English
  '(?:invoice|payment|bill|balance|account) (?:is )?(?:now )?(?:overdue|past due|outstanding|unpaid)',
  '(?:payment|transaction|card) (?:was |has been |is )?(?:declined|failed|unsuccessful|rejected|on hold)',
  '(?:wire|bank|swift) transfer',
  '(?:itunes|google play|amazon|steam|apple)? ?gift ?cards?',
  'update (?:your )?(?:payment|billing|card) (?:method|information|details)',
  '(?:subscription|membership|license|licence|protection|antivirus) (?:has )?(?:expired|expires today|will expire|is expiring)',
  '(?:within|in the next) (?:24|48|72) ?(?:hours|hrs|h)',
  '(?:act|respond|reply|pay) (?:now|immediately|urgently|today)',
  '(?:final|last) (?:notice|warning|reminder)',
  'urgent (?:action|attention|response|notice|payment|reply)',
  'immediate(?:ly)? action',
  'action required',
  '(?:parcel|package|shipment|delivery) (?:is )?(?:on hold|held|pending|could not be delivered|was not delivered|suspended)',
  '(?:customs|shipping|delivery|redelivery) (?:fee|charge|duty)',
  '(?:tax )?refund (?:is )?(?:ready|pending|available|approved)',
  '(?:your )?(?:account )?balance (?:of|is|has reached) (?:[$€£]|usd|eur|btc)',
  '(?:payment|transfer|withdrawal) (?:report|confirmation) (?:id|no|#)',
  // Portuguese
  '(?:fatura|boleto|pagamento|debitos?|pendencias?|divida) (?:em aberto|vencid[oa]s?|pendentes?|atrasad[oa]s?|identificad[oa]s?)',
  '(?:ultimo|ultima) (?:aviso|chance|oportunidade|dia)',
  'urgente',
  '(?:encomenda|pedido|pacote|objeto) (?:esta |foi )?(?:retid[oa]|taxad[oa]|bloquead[oa]|devolvid[oa]|em fiscalizacao|aguardando pagamento)',
  '(?:taxa|tarifa) de (?:liberacao|envio|importacao|entrega)',
  'transferencia bancaria',
  '(?:pagamento|transacao|compra|cobranca) (?:recusad[oa]|pendente|nao autorizad[oa]|nao reconhecid[oa])',
  '(?:falha|problema) na entrega|entrega (?:esta )?pendente',
  'valores a receber',
  // Spanish
  '(?:factura|pago|deuda|saldo|recibo) (?:pendiente|vencid[oa]|impagad[oa]|rechazad[oa])',
  '(?:ultimo|ultima) (?:aviso|oportunidad)',
  '(?:pago|transaccion|compra) (?:rechazad[oa]|pendiente|no autorizad[oa])',
  // German
  '(?:rechnung|zahlung|mahnung|betrag|forderung|lastschrift) (?:ist )?(?:uberfallig|offen|ausstehend|fehlgeschlagen|abgelehnt)',
  '(?:letzte) (?:mahnung|warnung|erinnerung|chance)',
  'dringend',
  'handeln sie (?:jetzt|sofort|umgehend)',
  '(?:lauft|laufen) in kurze ab',
  '(?:abonnement|mitgliedschaft|lizenz|schutz) (?:ist )?(?:abgelaufen|lauft ab)',
  // French
  '(?:facture|paiement|reglement|prelevement) (?:impaye|en retard|en attente|refuse|echoue|rejete)e?s?',
  '(?:dernier|derniere) (?:avis|rappel|chance|avertissement)',
  '(?:abonnement|licence|protection) (?:a )?(?:expire|expirera)',
  'virement bancaire',
  '(?:laatste|definitieve) (?:kans|herinnering|aanmaning)',
  'reageer (?:alstublieft|zo snel mogelijk|direct)',
];

/** Reward lures: the prize, survey and giveaway scams. Counted with payment wording (money offered instead of asked). */
// prettier-ignore
export const REWARD_PHRASES: readonly string[] = [
  // English
  '(?:you have|you\'ve|you) (?:won|been selected|been chosen|are (?:a|our) (?:lucky )?winner)',
  '(?:claim|redeem|collect|receive) (?:your|the) (?:free )?(?:reward|prize|gift|bonus|winnings|refund|funds|payment|compensation|airdrop)',
  'congratulations[!,.]? (?:you|your|dear)',
  '(?:unclaimed|inheritance) (?:funds?|sum|payment)',
  'you are (?:eligible|entitled) (?:for|to) (?:a |an )?(?:refund|compensation|reward|payment)',
  '(?:customer|loyalty) (?:survey|reward)',
  '(?:claim|get|receive) (?:your )?(?:free )?(?:airdrop|tokens|allocation|bitcoin|btc|crypto)',
  '(?:next of kin|late husband|late wife|late father|consignment box|beneficiary of|compensation fund|relief fund|business proposal|investment (?:proposal|opportunity|collaboration))',
  '(?:donation|grant) of (?:[$€£]|usd|eur|\\d)',
  '(?:resgate|resgatar) (?:seu|o) saldo|saldo (?:disponivel|a receber|para resgate)',
  // Portuguese
  '(?:resgate|resgatar|resgatem) (?:seus |os |sua |seu )?(?:pontos|premio|recompensa|bonus)',
  '(?:voce|vc) (?:foi|esta sendo) (?:selecionad|contemplad|sorteado)[oa]?',
  'parabens[!,.]? (?:voce|vc)',
  '(?:pontos|milhas) (?:expiram|vao expirar|expirar)',
  // Spanish
  '(?:has|ha) (?:ganado|sido seleccionad[oa])',
  '(?:reclama|reclame|canjea|canjee|recibe) (?:tu|su) (?:premio|recompensa|regalo|reembolso)',
  // German
  '(?:sie haben|du hast) (?:gewonnen|einen gewinn)',
  '(?:sie wurden|du wurdest|sie gehoren zu den) (?:ausgewahlt|ausgelost|auserwahlten)',
  '(?:pramie|gewinn|belohnung|geschenk|gutschein) (?:einlosen|abholen|anfordern|sichern|erhalten)',
  'herzlichen gluckwunsch',
  // French
  '(?:vous avez|tu as) (?:gagne|ete selectionne)e?',
  '(?:reclamez|recuperez|reclamer|recuperer) (?:votre|vos|ton|tes) (?:cadeau|prix|recompense|remboursement|bonus|gain)s?',
  // Dutch, Italian
  '(?:u hebt|je hebt|u heeft) (?:gewonnen|een prijs)',
  '(?:hai|avete) vinto',
];
