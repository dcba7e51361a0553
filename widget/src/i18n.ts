/**
 * UI strings. Model replies are in the template's language; everything the widget itself says
 * is here, picked by the element's `lang`, else the page's, else the browser's.
 */

export interface Strings {
  title: string;
  openChat: string;
  closeChat: string;
  welcome: string;
  placeholder: string;
  messageLabel: string;
  send: string;
  you: string;
  assistant: string;
  typing: string;
  progress: string;
  progressCount: (done: number, total: number) => string;
  fieldDone: string;
  fieldTodo: string;
  retrying: string;
  rateLimited: string;
  failed: string;
  retry: string;
  sessionExpired: string;
  closed: string;
  complete: string;
  siteNotFound: string;
  originNotAllowed: string;
  unavailable: string;
}

const en: Strings = {
  title: 'Chat with us',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  welcome: 'Hi! Ask us anything. We usually reply right away.',
  placeholder: 'Type your message…',
  messageLabel: 'Message',
  send: 'Send',
  you: 'You',
  assistant: 'Assistant',
  typing: 'The assistant is typing',
  progress: 'Details collected',
  progressCount: (d, t) => `${d} of ${t}`,
  fieldDone: 'done',
  fieldTodo: 'to do',
  retrying: 'Connection hiccup. Trying again…',
  rateLimited: 'Lots of messages at once. Sending again in a moment…',
  failed: 'Your message could not be sent.',
  retry: 'Try again',
  sessionExpired: 'This conversation has ended. Send your message again to start a new one.',
  closed: 'This conversation is closed.',
  complete: 'All set. Thank you!',
  siteNotFound: 'This chat is not set up correctly (unknown site key).',
  originNotAllowed: 'This chat is not enabled for this website.',
  unavailable: 'The chat is unavailable right now. Please try again later.',
};

const es: Strings = {
  title: 'Habla con nosotros',
  openChat: 'Abrir chat',
  closeChat: 'Cerrar chat',
  welcome: '¡Hola! Pregúntanos lo que quieras. Solemos responder al instante.',
  placeholder: 'Escribe tu mensaje…',
  messageLabel: 'Mensaje',
  send: 'Enviar',
  you: 'Tú',
  assistant: 'Asistente',
  typing: 'El asistente está escribiendo',
  progress: 'Datos recogidos',
  progressCount: (d, t) => `${d} de ${t}`,
  fieldDone: 'hecho',
  fieldTodo: 'pendiente',
  retrying: 'Problema de conexión. Reintentando…',
  rateLimited: 'Demasiados mensajes a la vez. Reenviando en un momento…',
  failed: 'No se pudo enviar tu mensaje.',
  retry: 'Reintentar',
  sessionExpired: 'Esta conversación ha terminado. Envía tu mensaje de nuevo para empezar otra.',
  closed: 'Esta conversación está cerrada.',
  complete: '¡Listo! Gracias.',
  siteNotFound: 'Este chat no está bien configurado (clave de sitio desconocida).',
  originNotAllowed: 'Este chat no está habilitado para este sitio web.',
  unavailable: 'El chat no está disponible ahora. Inténtalo más tarde.',
};

const fr: Strings = {
  title: 'Discutons',
  openChat: 'Ouvrir le chat',
  closeChat: 'Fermer le chat',
  welcome: 'Bonjour ! Posez-nous vos questions. Nous répondons en général tout de suite.',
  placeholder: 'Écrivez votre message…',
  messageLabel: 'Message',
  send: 'Envoyer',
  you: 'Vous',
  assistant: 'Assistant',
  typing: "L'assistant écrit",
  progress: 'Informations recueillies',
  progressCount: (d, t) => `${d} sur ${t}`,
  fieldDone: 'fait',
  fieldTodo: 'à faire',
  retrying: 'Souci de connexion. Nouvel essai…',
  rateLimited: 'Trop de messages à la fois. Nouvel envoi dans un instant…',
  failed: "Votre message n'a pas pu être envoyé.",
  retry: 'Réessayer',
  sessionExpired: 'Cette conversation est terminée. Renvoyez votre message pour en commencer une nouvelle.',
  closed: 'Cette conversation est fermée.',
  complete: 'C’est tout bon. Merci !',
  siteNotFound: "Ce chat est mal configuré (clé de site inconnue).",
  originNotAllowed: "Ce chat n'est pas activé pour ce site.",
  unavailable: 'Le chat est indisponible pour le moment. Réessayez plus tard.',
};

const de: Strings = {
  title: 'Schreiben Sie uns',
  openChat: 'Chat öffnen',
  closeChat: 'Chat schließen',
  welcome: 'Hallo! Fragen Sie uns alles. Wir antworten meist sofort.',
  placeholder: 'Nachricht eingeben…',
  messageLabel: 'Nachricht',
  send: 'Senden',
  you: 'Sie',
  assistant: 'Assistent',
  typing: 'Der Assistent schreibt',
  progress: 'Erfasste Angaben',
  progressCount: (d, t) => `${d} von ${t}`,
  fieldDone: 'erledigt',
  fieldTodo: 'offen',
  retrying: 'Verbindungsproblem. Neuer Versuch…',
  rateLimited: 'Zu viele Nachrichten auf einmal. Gleich wird erneut gesendet…',
  failed: 'Ihre Nachricht konnte nicht gesendet werden.',
  retry: 'Erneut versuchen',
  sessionExpired: 'Dieses Gespräch ist beendet. Senden Sie Ihre Nachricht erneut, um ein neues zu beginnen.',
  closed: 'Dieses Gespräch ist geschlossen.',
  complete: 'Alles erledigt. Vielen Dank!',
  siteNotFound: 'Dieser Chat ist falsch eingerichtet (unbekannter Site-Key).',
  originNotAllowed: 'Dieser Chat ist für diese Website nicht freigeschaltet.',
  unavailable: 'Der Chat ist gerade nicht erreichbar. Bitte später erneut versuchen.',
};

export const LOCALES: Record<string, Strings> = { en, es, fr, de };

/** `de-AT` → German, `pt` → English: the primary subtag decides, English is the fallback. */
export function pickLocale(...candidates: Array<string | null | undefined>): { lang: string; strings: Strings } {
  for (const c of candidates) {
    const primary = c?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && Object.hasOwn(LOCALES, primary)) return { lang: primary, strings: LOCALES[primary] as Strings };
  }
  return { lang: 'en', strings: en };
}
