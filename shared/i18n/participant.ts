import type { PageLanguage } from './languages.ts';

/** Every string of the participant pages, in one language. Numbers arrive already localised. */
export interface ParticipantStrings {
  languageNav: string;
  consentTitle: string;
  consentIntro: string;
  agree: string;
  /** What this link will ask, by kind: after therapy sessions, or once a month (therapist-level). */
  consentWhat: { sessions: string; monthly: string };
  decline: string;
  declinedTitle: string;
  declinedBody: string;
  /** The study office, before its name, e-mail and phone. */
  contact: string;
  /** Which therapy a therapist's or interpreter's dyad link is about. */
  aboutDyad: (code: string) => string;
  /** The sessions still open, offered as choices on the session question. */
  openSessions: string;
  sessionOpen: (session: string) => string;
  sessionNext: (session: string) => string;
  sessionOther: string;
  sessionTitle: string;
  sessionLabel: string;
  sessionHint: (min: string, max: string) => string;
  next: string;
  sessionN: (session: string) => string;
  monthN: (administration: string) => string;
  questionnaireOf: (index: string, count: string) => string;
  skipHint: string;
  send: string;
  scaleEnds: (low: string, high: string) => string;
  thanksTitle: string;
  thanksBody: string;
  receipt: (receipt: string) => string;
  doneTitle: string;
  doneBody: (session: string) => string;
  nothingTitle: string;
  nothingBody: (session: string) => string;
  otherSession: string;
  crisisTitle: string;
  withdrawLink: string;
  withdrawTitle: string;
  withdrawWhat: { dyad: string; therapist: string; interpreter: string };
  withdrawKept: string;
  withdrawConfirm: string;
  withdrawCancel: string;
  withdrawnTitle: string;
  withdrawnBody: string;
  errorSummary: string;
  itemInvalid: string;
  sessionInvalid: (min: string, max: string) => string;
  noAnswer: string;
  confirmMissing: string;
  back: string;
  errors: Record<ErrorCode, { title: string; body: string }>;
}

export type ErrorCode =
  | 'invalid_input'
  | 'not_scheduled'
  | 'consent_required'
  | 'not_found'
  | 'already_answered'
  | 'withdrawn'
  | 'dyad_ended'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'unavailable'
  | 'unauthorized'
  | 'forbidden';

const en: ParticipantStrings = {
  languageNav: 'Language',
  consentTitle: 'Before you start',
  consentIntro: 'Please read this. You can stop at any time.',
  agree: 'I agree to take part',
  consentWhat: {
    sessions: 'With this link you answer short questionnaires after therapy sessions.',
    monthly:
      'With this link you answer a short questionnaire once a month about your own work and wellbeing.',
  },
  decline: 'No thanks',
  declinedTitle: 'Nothing was recorded',
  declinedBody:
    'You have not agreed to take part, and nothing about you was stored. You can close this page. If you change your mind, open your link again.',
  contact: 'Questions about the study:',
  aboutDyad: (code) => `About therapy ${code}`,
  openSessions: 'Sessions not yet answered',
  sessionOpen: (session) => `Session ${session} (not yet answered)`,
  sessionNext: (session) => `Session ${session} (the next one)`,
  sessionOther: 'Another session',
  sessionTitle: 'Which session was it?',
  sessionLabel: 'Number of the session you just had',
  sessionHint: (min, max) => `A number from ${min} to ${max}. We have filled in the next one.`,
  next: 'Continue',
  sessionN: (session) => `Session ${session}`,
  monthN: (n) => `This month (${n})`,
  questionnaireOf: (index, count) => `Questionnaire ${index} of ${count}`,
  skipHint: 'You may leave out any question you do not want to answer.',
  send: 'Send answers',
  scaleEnds: (low, high) => `${low} … ${high}`,
  thanksTitle: 'Thank you',
  thanksBody: 'Your answers have been saved.',
  receipt: (receipt) => `Receipt: ${receipt}`,
  doneTitle: 'All answered',
  doneBody: (session) => `You have answered everything for ${session}. Thank you.`,
  nothingTitle: 'Nothing to answer',
  nothingBody: (session) => `There is no questionnaire for ${session}.`,
  otherSession: 'Choose another session',
  crisisTitle: 'If you need help now',
  withdrawLink: 'Leave the study',
  withdrawTitle: 'Leave the study?',
  withdrawWhat: {
    dyad: 'All answers about your therapy will be deleted, including your therapist’s and interpreter’s ratings. Your link will stop working.',
    therapist:
      'All your own answers, in every therapy you rated and about your wellbeing, will be deleted. Your links will stop working.',
    interpreter:
      'All your answers as interpreter in this therapy will be deleted. Your link will stop working.',
  },
  withdrawKept:
    'Backups keep deleted answers for up to 35 days. Reports already published are not changed; later ones leave your answers out.',
  withdrawConfirm: 'Yes, delete my answers and leave',
  withdrawCancel: 'No, go back',
  withdrawnTitle: 'You have left the study',
  withdrawnBody: 'Your answers have been deleted. Thank you for your time.',
  errorSummary: 'Please check the marked answers.',
  itemInvalid: 'Choose one of the options.',
  sessionInvalid: (min, max) => `Enter a number from ${min} to ${max}.`,
  noAnswer: 'Answer at least one question.',
  confirmMissing: 'Please confirm that you want to leave.',
  back: 'Back',
  errors: {
    invalid_input: { title: 'Please check your input', body: 'Something in the form was not valid.' },
    not_scheduled: { title: 'Not due', body: 'This questionnaire is not due for that session.' },
    consent_required: { title: 'Consent needed', body: 'Please agree to take part before answering.' },
    not_found: {
      title: 'This link does not work',
      body: 'It may have been replaced by a new one. Please ask your clinic for your current link.',
    },
    already_answered: {
      title: 'Already answered',
      body: 'This questionnaire has already been answered for this session. The first answers were kept.',
    },
    withdrawn: {
      title: 'You have left the study',
      body: 'This link no longer works, and your answers have been deleted.',
    },
    dyad_ended: {
      title: 'Nothing more to answer',
      body: 'This therapy has ended its participation in the study, so there is nothing more to answer with this link. Thank you for your time.',
    },
    payload_too_large: { title: 'Too much data', body: 'What was sent is too large.' },
    too_many_requests: {
      title: 'Too many attempts',
      body: 'Please wait a while (up to an hour), then try your link again.',
    },
    unavailable: {
      title: 'Please try again',
      body: 'We could not save this just now; nothing was lost on your side. Please send it again in a moment.',
    },
    unauthorized: { title: 'Not allowed', body: 'This page is not available.' },
    forbidden: { title: 'Not allowed', body: 'This page is not available.' },
  },
};

const de: ParticipantStrings = {
  languageNav: 'Sprache',
  consentTitle: 'Bevor Sie beginnen',
  consentIntro: 'Bitte lesen Sie dies. Sie können jederzeit aufhören.',
  agree: 'Ich bin einverstanden teilzunehmen',
  consentWhat: {
    sessions: 'Mit diesem Link beantworten Sie nach Therapiesitzungen kurze Fragebögen.',
    monthly:
      'Mit diesem Link beantworten Sie einmal im Monat einen kurzen Fragebogen zu Ihrer eigenen Arbeit und Ihrem Wohlbefinden.',
  },
  decline: 'Nein danke',
  declinedTitle: 'Es wurde nichts gespeichert',
  declinedBody:
    'Sie haben der Teilnahme nicht zugestimmt, und über Sie wurde nichts gespeichert. Sie können diese Seite schließen. Wenn Sie es sich anders überlegen, öffnen Sie Ihren Link einfach erneut.',
  contact: 'Fragen zur Studie:',
  aboutDyad: (code) => `Zur Therapie ${code}`,
  openSessions: 'Noch nicht beantwortete Sitzungen',
  sessionOpen: (session) => `Sitzung ${session} (noch nicht beantwortet)`,
  sessionNext: (session) => `Sitzung ${session} (die nächste)`,
  sessionOther: 'Eine andere Sitzung',
  sessionTitle: 'Welche Sitzung war es?',
  sessionLabel: 'Nummer der Sitzung, die Sie gerade hatten',
  sessionHint: (min, max) => `Eine Zahl von ${min} bis ${max}. Die nächste ist schon eingetragen.`,
  next: 'Weiter',
  sessionN: (session) => `Sitzung ${session}`,
  monthN: (n) => `Dieser Monat (${n})`,
  questionnaireOf: (index, count) => `Fragebogen ${index} von ${count}`,
  skipHint: 'Sie können jede Frage auslassen, die Sie nicht beantworten möchten.',
  send: 'Antworten senden',
  scaleEnds: (low, high) => `${low} … ${high}`,
  thanksTitle: 'Vielen Dank',
  thanksBody: 'Ihre Antworten wurden gespeichert.',
  receipt: (receipt) => `Bestätigung: ${receipt}`,
  doneTitle: 'Alles beantwortet',
  doneBody: (session) => `Sie haben für ${session} alles beantwortet. Vielen Dank.`,
  nothingTitle: 'Nichts zu beantworten',
  nothingBody: (session) => `Für ${session} gibt es keinen Fragebogen.`,
  otherSession: 'Andere Sitzung wählen',
  crisisTitle: 'Wenn Sie jetzt Hilfe brauchen',
  withdrawLink: 'Studie verlassen',
  withdrawTitle: 'Studie verlassen?',
  withdrawWhat: {
    dyad: 'Alle Antworten zu Ihrer Therapie werden gelöscht, auch die Einschätzungen Ihrer Therapeutin oder Ihres Therapeuten und der Dolmetschung. Ihr Link funktioniert dann nicht mehr.',
    therapist:
      'Alle Ihre eigenen Antworten – zu jeder Therapie, die Sie eingeschätzt haben, und zu Ihrem Wohlbefinden – werden gelöscht. Ihre Links funktionieren dann nicht mehr.',
    interpreter:
      'Alle Ihre Antworten als Dolmetscherin oder Dolmetscher in dieser Therapie werden gelöscht. Ihr Link funktioniert dann nicht mehr.',
  },
  withdrawKept:
    'Sicherungskopien bewahren gelöschte Antworten bis zu 35 Tage auf. Bereits veröffentlichte Berichte werden nicht geändert; spätere enthalten Ihre Antworten nicht.',
  withdrawConfirm: 'Ja, Antworten löschen und aussteigen',
  withdrawCancel: 'Nein, zurück',
  withdrawnTitle: 'Sie haben die Studie verlassen',
  withdrawnBody: 'Ihre Antworten wurden gelöscht. Vielen Dank für Ihre Zeit.',
  errorSummary: 'Bitte prüfen Sie die markierten Antworten.',
  itemInvalid: 'Wählen Sie eine der Möglichkeiten.',
  sessionInvalid: (min, max) => `Geben Sie eine Zahl von ${min} bis ${max} ein.`,
  noAnswer: 'Beantworten Sie mindestens eine Frage.',
  confirmMissing: 'Bitte bestätigen Sie, dass Sie aussteigen möchten.',
  back: 'Zurück',
  errors: {
    invalid_input: { title: 'Bitte prüfen Sie Ihre Eingabe', body: 'Etwas im Formular war nicht gültig.' },
    not_scheduled: {
      title: 'Nicht fällig',
      body: 'Dieser Fragebogen ist für diese Sitzung nicht vorgesehen.',
    },
    consent_required: {
      title: 'Einverständnis nötig',
      body: 'Bitte erklären Sie Ihr Einverständnis, bevor Sie antworten.',
    },
    not_found: {
      title: 'Dieser Link funktioniert nicht',
      body: 'Vielleicht wurde er durch einen neuen ersetzt. Bitte fragen Sie in Ihrer Praxis nach Ihrem aktuellen Link.',
    },
    already_answered: {
      title: 'Bereits beantwortet',
      body: 'Dieser Fragebogen wurde für diese Sitzung schon beantwortet. Die ersten Antworten bleiben gespeichert.',
    },
    withdrawn: {
      title: 'Sie haben die Studie verlassen',
      body: 'Dieser Link funktioniert nicht mehr, und Ihre Antworten wurden gelöscht.',
    },
    dyad_ended: {
      title: 'Nichts mehr zu beantworten',
      body: 'Diese Therapie nimmt nicht mehr an der Studie teil. Mit diesem Link gibt es daher nichts mehr zu beantworten. Vielen Dank für Ihre Zeit.',
    },
    payload_too_large: { title: 'Zu viele Daten', body: 'Die gesendeten Daten sind zu groß.' },
    too_many_requests: {
      title: 'Zu viele Versuche',
      body: 'Bitte warten Sie eine Weile (bis zu einer Stunde) und versuchen Sie Ihren Link dann erneut.',
    },
    unavailable: {
      title: 'Bitte erneut versuchen',
      body: 'Das konnte gerade nicht gespeichert werden. Bitte senden Sie es in einem Moment noch einmal.',
    },
    unauthorized: { title: 'Nicht erlaubt', body: 'Diese Seite ist nicht verfügbar.' },
    forbidden: { title: 'Nicht erlaubt', body: 'Diese Seite ist nicht verfügbar.' },
  },
};

const ar: ParticipantStrings = {
  languageNav: 'اللغة',
  consentTitle: 'قبل أن تبدأ',
  consentIntro: 'يرجى قراءة ما يلي. يمكنك التوقف في أي وقت.',
  agree: 'أوافق على المشاركة',
  consentWhat: {
    sessions: 'بهذا الرابط تجيب على استبيانات قصيرة بعد جلسات العلاج.',
    monthly: 'بهذا الرابط تجيب مرة في الشهر على استبيان قصير عن عملك وصحتك.',
  },
  decline: 'لا، شكرًا',
  declinedTitle: 'لم يُسجَّل أي شيء',
  declinedBody:
    'لم توافق على المشاركة، ولم يُحفظ أي شيء عنك. يمكنك إغلاق هذه الصفحة. إذا غيّرت رأيك، افتح رابطك مرة أخرى.',
  contact: 'أسئلة حول الدراسة:',
  aboutDyad: (code) => `بخصوص العلاج ${code}`,
  openSessions: 'جلسات لم تتم الإجابة عنها بعد',
  sessionOpen: (session) => `الجلسة ${session} (لم تتم الإجابة عنها بعد)`,
  sessionNext: (session) => `الجلسة ${session} (التالية)`,
  sessionOther: 'جلسة أخرى',
  sessionTitle: 'أي جلسة كانت؟',
  sessionLabel: 'رقم الجلسة التي حضرتها للتو',
  sessionHint: (min, max) => `رقم من ${min} إلى ${max}. لقد أدخلنا الرقم التالي.`,
  next: 'متابعة',
  sessionN: (session) => `الجلسة ${session}`,
  monthN: (n) => `هذا الشهر (${n})`,
  questionnaireOf: (index, count) => `الاستبيان ${index} من ${count}`,
  skipHint: 'يمكنك ترك أي سؤال لا ترغب في الإجابة عنه.',
  send: 'إرسال الإجابات',
  scaleEnds: (low, high) => `${low} … ${high}`,
  thanksTitle: 'شكرًا لك',
  thanksBody: 'تم حفظ إجاباتك.',
  receipt: (receipt) => `رقم التأكيد: ${receipt}`,
  doneTitle: 'تمت الإجابة عن كل شيء',
  doneBody: (session) => `لقد أجبت عن كل شيء في ${session}. شكرًا لك.`,
  nothingTitle: 'لا يوجد ما تجيب عنه',
  nothingBody: (session) => `لا يوجد استبيان في ${session}.`,
  otherSession: 'اختر جلسة أخرى',
  crisisTitle: 'إذا كنت بحاجة إلى مساعدة الآن',
  withdrawLink: 'الانسحاب من الدراسة',
  withdrawTitle: 'هل تريد الانسحاب من الدراسة؟',
  withdrawWhat: {
    dyad: 'ستُحذف جميع الإجابات المتعلقة بعلاجك، بما في ذلك تقييمات معالجك والمترجم. وسيتوقف رابطك عن العمل.',
    therapist: 'ستُحذف جميع إجاباتك الخاصة، في كل علاج قيّمته وعن راحتك في العمل. وستتوقف روابطك عن العمل.',
    interpreter: 'ستُحذف جميع إجاباتك كمترجم في هذا العلاج. وسيتوقف رابطك عن العمل.',
  },
  withdrawKept:
    'تحتفظ النسخ الاحتياطية بالإجابات المحذوفة لمدة تصل إلى 35 يومًا. التقارير المنشورة سابقًا لا تتغير، والتقارير اللاحقة لا تتضمن إجاباتك.',
  withdrawConfirm: 'نعم، احذف إجاباتي وانسحب',
  withdrawCancel: 'لا، عودة',
  withdrawnTitle: 'لقد انسحبت من الدراسة',
  withdrawnBody: 'تم حذف إجاباتك. شكرًا لك على وقتك.',
  errorSummary: 'يرجى مراجعة الإجابات المحددة.',
  itemInvalid: 'اختر أحد الخيارات.',
  sessionInvalid: (min, max) => `أدخل رقمًا من ${min} إلى ${max}.`,
  noAnswer: 'أجب عن سؤال واحد على الأقل.',
  confirmMissing: 'يرجى تأكيد رغبتك في الانسحاب.',
  back: 'رجوع',
  errors: {
    invalid_input: { title: 'يرجى مراجعة ما أدخلته', body: 'هناك شيء غير صالح في النموذج.' },
    not_scheduled: { title: 'غير مستحق', body: 'هذا الاستبيان غير مقرر لتلك الجلسة.' },
    consent_required: { title: 'الموافقة مطلوبة', body: 'يرجى الموافقة على المشاركة قبل الإجابة.' },
    not_found: {
      title: 'هذا الرابط لا يعمل',
      body: 'ربما استُبدل برابط جديد. يرجى طلب رابطك الحالي من عيادتك.',
    },
    already_answered: {
      title: 'تمت الإجابة مسبقًا',
      body: 'تمت الإجابة على هذا الاستبيان لهذه الجلسة من قبل. تم الاحتفاظ بالإجابات الأولى.',
    },
    withdrawn: { title: 'لقد انسحبت من الدراسة', body: 'هذا الرابط لم يعد يعمل، وتم حذف إجاباتك.' },
    dyad_ended: {
      title: 'لا يوجد ما تجيب عنه بعد الآن',
      body: 'انتهت مشاركة هذا العلاج في الدراسة، لذلك لا يوجد ما تجيب عنه بهذا الرابط بعد الآن. شكرًا لك على وقتك.',
    },
    payload_too_large: { title: 'بيانات كثيرة جدًا', body: 'ما تم إرساله كبير جدًا.' },
    too_many_requests: {
      title: 'محاولات كثيرة جدًا',
      body: 'يرجى الانتظار قليلًا (حتى ساعة)، ثم جرّب رابطك مرة أخرى.',
    },
    unavailable: {
      title: 'يرجى المحاولة مرة أخرى',
      body: 'تعذّر الحفظ الآن. يرجى الإرسال مرة أخرى بعد لحظة.',
    },
    unauthorized: { title: 'غير مسموح', body: 'هذه الصفحة غير متاحة.' },
    forbidden: { title: 'غير مسموح', body: 'هذه الصفحة غير متاحة.' },
  },
};

const STRINGS: Record<PageLanguage, ParticipantStrings> = { en, de, ar };

/** The participant-page strings of a language; English for a language without its own. */
export function participantStrings(language: string): ParticipantStrings {
  return STRINGS[language as PageLanguage] ?? en;
}

/** Whether an error code has a translated page. */
export function isErrorCode(code: string): code is ErrorCode {
  return code in en.errors;
}
