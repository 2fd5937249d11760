/**
 * English pluralisation as clusterctl does it for CRD names: Cluster API computes the expected name
 * of a provider CRD as `<plural of lowercased kind>.<group>` with the Go library gobuffalo/flect
 * (v1.0.3). Reproducing its word list and suffix rules matters: a kind flect pluralises oddly (for
 * example `Metal3Data` stays `metal3data`) must give the same expected name here, or `init` would
 * accept or reject a provider differently from the Go tool.
 *
 * The data below is flect's vocabulary (facts about English words), arranged for lookup here.
 */

/** Words flect knows as whole words: singular, plural, alternative plural, flags (u: one-way, c: uncountable, e: exact). */
const dictionary: ReadonlyArray<readonly [string, string, string, string]> = (
  'aircraft:aircraft:: beef:beef:beefs: bison:bison:: blues:blues::u chassis:chassis:: deer:deer:: fish:fish:fishes: ' +
  'moose:moose:: police:police:: salmon:salmon:salmons: series:series:: sheep:sheep:: shrimp:shrimp:shrimps: ' +
  'species:species:: swine:swine:swines: trout:trout:trouts: tuna:tuna:tunas: you:you:: child:children:: ox:oxen::e ' +
  'foot:feet:: goose:geese:: man:men:: human:humans:: louse:lice::e mouse:mice:: tooth:teeth:: woman:women:: ' +
  'die:dice::e person:people:: adieu:adieux:adieus: fabliau:fabliaux:: bureau:bureaus:bureaux: criterion:criteria:: ' +
  'ganglion:ganglia:ganglions: lexicon:lexica:lexicons: mitochondrion:mitochondria:mitochondrions: ' +
  'noumenon:noumena:: phenomenon:phenomena:: taxon:taxa:: media:media:: medium:media:mediums:u ' +
  'stadium:stadiums:stadia: aquarium:aquaria:aquariums: auditorium:auditoria:auditoriums: ' +
  'symposium:symposia:symposiums: curriculum:curriculums:curricula: quota:quotas:: alumnus:alumni:alumnuses: ' +
  'bacillus:bacilli:: cactus:cacti:cactuses: coccus:cocci:: focus:foci:focuses: locus:loci:locuses: ' +
  'nucleus:nuclei:nucleuses: octopus:octupuses:octopi: radius:radii:radiuses: syllabus:syllabi:: ' +
  'corpus:corpora:corpuses: genus:genera:: alumna:alumnae:: vertebra:vertebrae:: differentia:differentiae:: ' +
  'minutia:minutiae:: vita:vitae:: larva:larvae:: postcava:postcavae:: praecava:praecavae:: uva:uvae:: ' +
  'apex:apices:apexes: codex:codices:codexes: index:indices:indexes: latex:latices:latexes: ' +
  'vertex:vertices:vertexes: vortex:vortices:vortexes: appendix:appendices:appendixes: radix:radices:radixes: ' +
  'helix:helices:helixes: axis:axes::e crisis:crises:: ellipsis:ellipses::u genesis:geneses:: oasis:oases:: ' +
  'thesis:theses:: testis:testes:: base:bases:: basis:bases::u alias:aliases::e vedalia:vedalias:: use:uses::e ' +
  'abuse:abuses:: cause:causes:: clause:clauses:: cruse:cruses:: excuse:excuses:: fuse:fuses:: house:houses:: ' +
  'misuse:misuses:: muse:muses:: pause:pauses:: ache:aches:: topaz:topazes:: buffalo:buffaloes:buffalos: ' +
  'potato:potatoes:: tomato:tomatoes:: equipment:::c information:::c jeans:::c money:::c news:::c rice:::c ' +
  'dwarf:dwarfs:dwarves: hoof:hoofs:hooves: thief:thieves:: chive:chives:: hive:hives:: move:moves:: ' +
  'movie:movies:: cookie:cookies:: pretorium:pretoriums:: agenda:agendas:: formula:formulas:formulae: ' +
  'shoe:shoes:: toe:toes::e graffiti:graffiti:: ID:IDs::e'
)
  .split(' ')
  .map((entry) => {
    const [singular = '', plural = '', alternative = '', flags = ''] = entry.split(':');
    return [singular, plural, alternative, flags] as const;
  });

/** Suffix rules, singular ending → plural ending, most specific first as flect lists them. */
const suffixes: ReadonlyArray<readonly [string, string]> = (
  'tive:tives eaf:eaves oaf:oaves afe:aves arf:arves rfe:rves rf:rves lf:lves fe:ves ay:ays ey:eys oy:oys ' +
  'quy:quies uy:uys y:ies eau:eaux bula:bulae dula:bulae lula:bulae nula:bulae vula:bulae hedron:hedra ium:ia ' +
  'seum:seums eum:ea oum:oa stracum:straca dum:da elum:ela ilum:ila olum:ola ulum:ula llum:lla ylum:yla ' +
  'imum:ima ernum:erna gnum:gna brum:bra crum:cra terum:tera serum:sera trum:tra antum:anta atum:ata ' +
  'entum:enta etum:eta itum:ita otum:ota utum:uta ctum:cta ovum:ova trix:trices iasis:iases mesis:meses ' +
  'kinesis:kineses resis:reses gnosis:gnoses opsis:opses ysis:yses ouse:ouses lause:lauses us:uses ch:ches ' +
  'io:ios sh:shes ss:sses ez:ezzes iz:izzes tz:tzes zz:zzes ano:anos lo:los to:tos oo:oos o:oes x:xes S:Ses'
)
  .split(' ')
  .map((pair) => {
    const [singular = '', plural = ''] = pair.split(':');
    return [singular, plural] as const;
  });

/** Upper-case acronyms flect treats as one word (only upper-case keys can match a lookup by upper case). */
const acronyms = new Set(
  (
    'OK UTF8 HTML JSON JWT ID UUID SQL ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR CIR CLI CPE CPU CRC ' +
    'CRT CSMA CMOS DCE DEC DES DHCP DNS DRAM DSL DSLAM DTE DMI EHA EIA EIGRP EOF ESS FCC FCS FDDI FTP GBIC GEPOF HDLC ' +
    'HTTP HTTPS IANA ICMP IDF IDS IEEE IETF IMAP IP IPS ISDN ISP LACP LAN LAPB LAPF LLC MAC MC MDF MIB MPLS MTU NAC NAT ' +
    'NBMA NIC NRZ NRZI NVRAM OSI OSPF OUI PAP PAT PC PIM PCM PDU POP3 POTS PPP PPTP PTT PVST RAM RARP RFC RIP RLL ROM ' +
    'RSTP RTP RCP SDLC SFD SFP SLARP SLIP SMTP SNA SNAP SNMP SOF SRAM SSH SSID STP SYN TDM TFTP TIA TOFU UDP URL URI ' +
    'USB UTP VC VLAN VLSM VPN W3C WAN WEP WPA WWW'
  ).split(' '),
);

interface Rule {
  suffix: string;
  /** The replacement for the suffix; undefined leaves the word unchanged. */
  replacement: string | undefined;
}

const singleToPlural = new Map<string, string>();
const pluralToSingle = new Map<string, string>();
/** Suffix rules in the order flect tries them. */
const rules: Rule[] = [];

(function build(): void {
  for (const [singular, plural, alternative, flags] of dictionary) {
    const p = flags.includes('c') && plural === '' ? singular : plural;
    singleToPlural.set(singular, p);
    if (!flags.includes('u')) {
      pluralToSingle.set(p, singular);
      if (alternative !== '') pluralToSingle.set(alternative, singular);
    }
  }
  // flect inserts each rule at the front together with a rule that leaves an already plural ending
  // alone: the suffix list is inserted last-to-first, then the (non-exact) dictionary words.
  const insert = (suffix: string, replacement: string): void => {
    rules.unshift({ suffix: replacement, replacement: undefined }, { suffix, replacement });
  };
  for (let i = suffixes.length - 1; i >= 0; i--) {
    const [singular, plural] = suffixes[i] as readonly [string, string];
    insert(singular, plural);
  }
  for (const [singular, plural, , flags] of dictionary) {
    if (flags.includes('e')) continue;
    insert(singular, flags.includes('c') && plural === '' ? singular : plural);
  }
})();

/** The last word of an identifier as flect splits it (the whole string, upper-cased, when it is an acronym). */
function lastPart(word: string): string {
  const trimmed = word.trim();
  if (trimmed === '') return '';
  if (acronyms.has(trimmed.toUpperCase())) return trimmed.toUpperCase();
  // Kinds are lowercased before pluralising, so no case boundaries remain; split only on characters
  // flect treats as separators (anything but letters, digits, punctuation and backquote).
  const parts = trimmed.split(/[^\p{L}\p{N}\p{P}`]+/u).filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

function capitalize(word: string): string {
  const first = word.codePointAt(0);
  if (first === undefined) return word;
  const head = String.fromCodePoint(first);
  return head.toUpperCase() + word.slice(head.length);
}

function replaceSuffix(word: string, suffix: string, replacement: string): string {
  return (word.endsWith(suffix) ? word.slice(0, word.length - suffix.length) : word) + replacement;
}

/** The plural of `word` as flect v1.0.3 computes it. */
export function pluralize(word: string): string {
  const last = lastPart(word);
  if (last === '') return '';

  const explicit = singleToPlural.get(word);
  if (explicit !== undefined) return replaceSuffix(word, word, explicit);
  if (pluralToSingle.has(word)) return word;

  const lower = last.toLowerCase();
  if (pluralToSingle.has(lower)) return word;
  const known = singleToPlural.get(lower);
  if (known !== undefined) return replaceSuffix(word, last, last === capitalize(last) ? capitalize(known) : known);

  for (const rule of rules) {
    if (last.endsWith(rule.suffix)) {
      if (rule.replacement === undefined) return replaceSuffix(word, last, last);
      return replaceSuffix(word, last, last.slice(0, last.length - rule.suffix.length) + rule.replacement);
    }
  }
  if (lower.endsWith('s')) return word;
  return `${word}s`;
}

/** The CRD name Cluster API expects for a kind: `<plural of lowercased kind>.<group>`. */
export function expectedCrdName(group: string, kind: string): string {
  return `${pluralize(kind.toLowerCase())}.${group}`;
}
