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
  stop: string;
  stopped: string;
  you: string;
  assistant: string;
  typing: string;
  progress: string;
  progressCount: (done: number, total: number) => string;
  fieldDone: string;
  fieldTodo: string;
  retrying: string;
  failed: string;
  retry: string;
  sessionExpired: string;
  closed: string;
  complete: string;
  misconfigured: string;
}

const en: Strings = {
  title: 'Chat with us',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  welcome: 'Hi! Ask us anything. We usually reply right away.',
  placeholder: 'Type your message…',
  messageLabel: 'Message',
  send: 'Send',
  stop: 'Stop the reply',
  stopped: 'Stopped.',
  you: 'You',
  assistant: 'Assistant',
  typing: 'The assistant is typing',
  progress: 'Details collected',
  progressCount: (d, t) => `${d} of ${t}`,
  fieldDone: 'done',
  fieldTodo: 'to do',
  retrying: 'One moment, trying again…',
  failed: 'Your message could not be sent.',
  retry: 'Try again',
  sessionExpired: 'This conversation has ended. Send your message again to start a new one.',
  closed: 'This conversation is closed.',
  complete: 'All set. Thank you!',
  misconfigured: 'This chat is not set up for this website.',
};

const es: Strings = {
  title: 'Habla con nosotros',
  openChat: 'Abrir chat',
  closeChat: 'Cerrar chat',
  welcome: '¡Hola! Pregúntanos lo que quieras. Solemos responder al instante.',
  placeholder: 'Escribe tu mensaje…',
  messageLabel: 'Mensaje',
  send: 'Enviar',
  stop: 'Detener la respuesta',
  stopped: 'Detenido.',
  you: 'Tú',
  assistant: 'Asistente',
  typing: 'El asistente está escribiendo',
  progress: 'Datos recogidos',
  progressCount: (d, t) => `${d} de ${t}`,
  fieldDone: 'hecho',
  fieldTodo: 'pendiente',
  retrying: 'Un momento, reintentando…',
  failed: 'No se pudo enviar tu mensaje.',
  retry: 'Reintentar',
  sessionExpired: 'Esta conversación ha terminado. Envía tu mensaje de nuevo para empezar otra.',
  closed: 'Esta conversación está cerrada.',
  complete: '¡Listo! Gracias.',
  misconfigured: 'Este chat no está configurado para este sitio web.',
};

const fr: Strings = {
  title: 'Discutons',
  openChat: 'Ouvrir le chat',
  closeChat: 'Fermer le chat',
  welcome: 'Bonjour ! Posez-nous vos questions. Nous répondons en général tout de suite.',
  placeholder: 'Écrivez votre message…',
  messageLabel: 'Message',
  send: 'Envoyer',
  stop: 'Arrêter la réponse',
  stopped: 'Arrêté.',
  you: 'Vous',
  assistant: 'Assistant',
  typing: "L'assistant écrit",
  progress: 'Informations recueillies',
  progressCount: (d, t) => `${d} sur ${t}`,
  fieldDone: 'fait',
  fieldTodo: 'à faire',
  retrying: 'Un instant, nouvel essai…',
  failed: "Votre message n'a pas pu être envoyé.",
  retry: 'Réessayer',
  sessionExpired: 'Cette conversation est terminée. Renvoyez votre message pour en commencer une nouvelle.',
  closed: 'Cette conversation est fermée.',
  complete: 'C’est tout bon. Merci !',
  misconfigured: "Ce chat n'est pas configuré pour ce site.",
};

const de: Strings = {
  title: 'Schreiben Sie uns',
  openChat: 'Chat öffnen',
  closeChat: 'Chat schließen',
  welcome: 'Hallo! Fragen Sie uns alles. Wir antworten meist sofort.',
  placeholder: 'Nachricht eingeben…',
  messageLabel: 'Nachricht',
  send: 'Senden',
  stop: 'Antwort stoppen',
  stopped: 'Gestoppt.',
  you: 'Sie',
  assistant: 'Assistent',
  typing: 'Der Assistent schreibt',
  progress: 'Erfasste Angaben',
  progressCount: (d, t) => `${d} von ${t}`,
  fieldDone: 'erledigt',
  fieldTodo: 'offen',
  retrying: 'Einen Moment, neuer Versuch…',
  failed: 'Ihre Nachricht konnte nicht gesendet werden.',
  retry: 'Erneut versuchen',
  sessionExpired: 'Dieses Gespräch ist beendet. Senden Sie Ihre Nachricht erneut, um ein neues zu beginnen.',
  closed: 'Dieses Gespräch ist geschlossen.',
  complete: 'Alles erledigt. Vielen Dank!',
  misconfigured: 'Dieser Chat ist für diese Website nicht eingerichtet.',
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
