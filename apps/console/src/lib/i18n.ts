/** The console's strings in French and English; every key exists in both (checked by the type). */
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const fr = {
  'app.title': 'Vigie',
  'app.skip': 'Aller au contenu',
  'nav.label': 'Navigation principale',
  'nav.search': 'Recherche',
  'nav.about': 'État de la plateforme',
  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',
  'user.logout': 'Se déconnecter',
  'user.clearance': 'Habilitation {level}',
  'login.title': 'Connexion à Vigie',
  'login.realm': 'Organisation (royaume Keycloak)',
  'login.realmHelp': 'Le nom de votre organisation, par exemple alpha.',
  'login.submit': 'Se connecter avec Keycloak',
  'login.failed': 'La connexion a échoué : {reason}',
  'login.ended': 'Votre session a pris fin. Reconnectez-vous.',
  'login.loading': 'Connexion en cours…',
  'banner.label': 'Niveau de classification des données affichées',
  'level.NP': 'NON PROTÉGÉ',
  'level.DR': 'DIFFUSION RESTREINTE',
  'level.S': 'SECRET',
  'level.TS': 'TRÈS SECRET',
  'purpose.button': 'Finalité : {caseRef}',
  'purpose.none': 'Déclarer une finalité',
  'purpose.title': 'Finalité de la consultation',
  'purpose.intro': 'Les données protégées ne sont affichées qu’avec une finalité déclarée. Elle est enregistrée dans le journal d’audit avec chaque consultation.',
  'purpose.required': 'Ces données nécessitent une finalité déclarée.',
  'purpose.caseRef': 'Référence du dossier',
  'purpose.justification': 'Justification',
  'purpose.recent': 'Dossiers récents',
  'purpose.submit': 'Déclarer',
  'purpose.cancel': 'Annuler',
  'purpose.clear': 'Ne plus déclarer de finalité',
  'search.title': 'Recherche',
  'search.query': 'Rechercher',
  'search.submit': 'Rechercher',
  'search.fuzzy': 'Correspondances approchées',
  'search.results': '{count} résultats',
  'search.noResults': 'Aucun résultat.',
  'search.facets': 'Affiner',
  'search.facetTypes': 'Types',
  'search.clearFilters': 'Retirer les filtres',
  'search.more': 'Plus de résultats',
  'search.score': 'pertinence {score}',
  'object.title': 'Objet',
  'object.properties': 'Propriétés',
  'object.property': 'Propriété',
  'object.value': 'Valeur',
  'object.marking': 'Marquage',
  'object.source': 'Source',
  'object.provenance': 'Provenance',
  'object.history': 'Historique des versions',
  'object.version': 'Version',
  'object.change': 'Modification',
  'object.at': 'Date',
  'object.actor': 'Auteur',
  'object.changed': 'Propriétés modifiées',
  'object.links': 'Liens',
  'object.linkType': 'Type de lien',
  'object.linkOther': 'Objet lié',
  'object.noLinks': 'Aucun lien visible.',
  'object.untitled': '(sans titre)',
  'change.created': 'création',
  'change.updated': 'modification',
  'change.deleted': 'suppression',
  'change.restored': 'restauration',
  'change.merged': 'fusion',
  'change.unmerged': 'séparation',
  'about.title': 'État de la plateforme',
  'about.version': 'Version {version}',
  'about.service': 'Service',
  'about.status': 'État',
  'about.latency': 'Latence',
  'about.dependencies': 'Dépendances',
  'about.refresh': 'Actualiser',
  'status.up': 'disponible',
  'status.down': 'indisponible',
  'status.degraded': 'dégradé',
  'common.loading': 'Chargement…',
  'common.error': 'Erreur : {message}',
  'common.notFound': 'Introuvable, ou non visible avec vos habilitations.',
  'common.forbidden': 'Vous n’avez pas le rôle nécessaire.',
  'common.close': 'Fermer',
} as const;

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  'app.title': 'Vigie',
  'app.skip': 'Skip to content',
  'nav.label': 'Main navigation',
  'nav.search': 'Search',
  'nav.about': 'Platform status',
  'lang.switch': 'Français',
  'lang.switchLabel': 'Passer en français',
  'user.logout': 'Log out',
  'user.clearance': 'Clearance {level}',
  'login.title': 'Log in to Vigie',
  'login.realm': 'Organisation (Keycloak realm)',
  'login.realmHelp': 'Your organisation’s name, for instance alpha.',
  'login.submit': 'Log in with Keycloak',
  'login.failed': 'Login failed: {reason}',
  'login.ended': 'Your session has ended. Please log in again.',
  'login.loading': 'Logging in…',
  'banner.label': 'Classification of the data on screen',
  'level.NP': 'NON PROTÉGÉ (UNCLASSIFIED)',
  'level.DR': 'DIFFUSION RESTREINTE (RESTRICTED)',
  'level.S': 'SECRET',
  'level.TS': 'TRÈS SECRET (TOP SECRET)',
  'purpose.button': 'Purpose: {caseRef}',
  'purpose.none': 'State a purpose',
  'purpose.title': 'Purpose of access',
  'purpose.intro': 'Protected data is shown only for a stated purpose. It is recorded in the audit trail with every access.',
  'purpose.required': 'This data needs a stated purpose.',
  'purpose.caseRef': 'Case reference',
  'purpose.justification': 'Justification',
  'purpose.recent': 'Recent cases',
  'purpose.submit': 'State',
  'purpose.cancel': 'Cancel',
  'purpose.clear': 'Stop stating a purpose',
  'search.title': 'Search',
  'search.query': 'Search',
  'search.submit': 'Search',
  'search.fuzzy': 'Fuzzy matches',
  'search.results': '{count} results',
  'search.noResults': 'No results.',
  'search.facets': 'Refine',
  'search.facetTypes': 'Types',
  'search.clearFilters': 'Clear filters',
  'search.more': 'More results',
  'search.score': 'score {score}',
  'object.title': 'Object',
  'object.properties': 'Properties',
  'object.property': 'Property',
  'object.value': 'Value',
  'object.marking': 'Marking',
  'object.source': 'Source',
  'object.provenance': 'Provenance',
  'object.history': 'Version history',
  'object.version': 'Version',
  'object.change': 'Change',
  'object.at': 'Date',
  'object.actor': 'By',
  'object.changed': 'Changed properties',
  'object.links': 'Links',
  'object.linkType': 'Link type',
  'object.linkOther': 'Linked object',
  'object.noLinks': 'No visible links.',
  'object.untitled': '(untitled)',
  'change.created': 'created',
  'change.updated': 'updated',
  'change.deleted': 'deleted',
  'change.restored': 'restored',
  'change.merged': 'merged',
  'change.unmerged': 'unmerged',
  'about.title': 'Platform status',
  'about.version': 'Version {version}',
  'about.service': 'Service',
  'about.status': 'Status',
  'about.latency': 'Latency',
  'about.dependencies': 'Dependencies',
  'about.refresh': 'Refresh',
  'status.up': 'up',
  'status.down': 'down',
  'status.degraded': 'degraded',
  'common.loading': 'Loading…',
  'common.error': 'Error: {message}',
  'common.notFound': 'Not found, or not visible with your clearance.',
  'common.forbidden': 'You do not have the required role.',
  'common.close': 'Close',
};

export type MessageKey = Key;
export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { fr, en };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The message for `key` with `{name}` placeholders filled; a missing parameter stays visible. */
export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return DICTIONARIES[language][key].replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

export function formatNumber(language: Language, value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(LOCALES[language], options).format(value);
}

/** Date and time in the user's language (and time zone); invalid input is shown as given. */
export function formatDateTime(language: Language, iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** The language to start with: the stored choice, else the browser's, else French. */
export function initialLanguage(stored: string | null, browser: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'fr';
}
