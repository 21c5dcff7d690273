import type { InstrumentDefinition, LocalizedText } from './schema.ts';

// Wording written for Tandem ("demo"): it follows the published structure of each scale but is not
// the licensed text. A study supplies licensed wording through its own instrument definitions.

const agree5: Record<string, string[]> = {
  en: ['Seldom', 'Sometimes', 'Fairly often', 'Very often', 'Always'],
  de: ['Selten', 'Manchmal', 'Recht oft', 'Sehr oft', 'Immer'],
  ar: ['نادرًا', 'أحيانًا', 'غالبًا', 'في كثير من الأحيان', 'دائمًا'],
};
const freq4: Record<string, string[]> = {
  en: ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'],
  de: ['Überhaupt nicht', 'An einzelnen Tagen', 'An mehr als der Hälfte der Tage', 'Beinahe jeden Tag'],
  ar: ['أبدًا', 'عدة أيام', 'أكثر من نصف الأيام', 'كل يوم تقريبًا'],
};

/** WAI-SR structure: task 1,2,10,12; bond 3,5,7,9; goal 4,6,8,11. */
const allianceSubscales = {
  task: ['i1', 'i2', 'i10', 'i12'],
  bond: ['i3', 'i5', 'i7', 'i9'],
  goal: ['i4', 'i6', 'i8', 'i11'],
};

function items(texts: LocalizedText[]): InstrumentDefinition['items'] {
  return texts.map((text, index) => ({ id: `i${index + 1}`, text }));
}

function alliance(
  id: string,
  role: 'client' | 'therapist' | 'interpreter',
  title: LocalizedText,
  texts: LocalizedText[],
): InstrumentDefinition {
  return {
    id,
    title,
    level: 'dyad',
    roles: [role],
    items: items(texts),
    scale: { min: 1, max: 5, labels: agree5 },
    subscales: allianceSubscales,
    total: 'sum',
    wording: 'demo',
  };
}

export const allianceClient = alliance(
  'alliance-client',
  'client',
  { en: 'How our work together is going', de: 'Wie unsere Zusammenarbeit läuft', ar: 'كيف يسير عملنا معًا' },
  [
    {
      en: 'We agree on what I need to work on in these sessions.',
      de: 'Wir sind uns einig, woran ich in diesen Sitzungen arbeiten muss.',
      ar: 'نتفق على ما أحتاج إلى العمل عليه في هذه الجلسات.',
    },
    {
      en: 'What we do in our sessions gives me new ways to look at my situation.',
      de: 'Was wir in unseren Sitzungen tun, eröffnet mir neue Sichtweisen auf meine Lage.',
      ar: 'ما نقوم به في جلساتنا يمنحني طرقًا جديدة للنظر إلى وضعي.',
    },
    {
      en: 'I feel that my therapist likes me.',
      de: 'Ich habe das Gefühl, dass meine Therapeutin oder mein Therapeut mich mag.',
      ar: 'أشعر أن معالجي يحبني.',
    },
    {
      en: 'My therapist and I work towards goals we both agreed on.',
      de: 'Meine Therapeutin oder mein Therapeut und ich arbeiten an Zielen, auf die wir uns gemeinsam geeinigt haben.',
      ar: 'أعمل أنا ومعالجي نحو أهداف اتفقنا عليها معًا.',
    },
    {
      en: 'I feel my therapist respects me.',
      de: 'Ich fühle mich von meiner Therapeutin oder meinem Therapeuten respektiert.',
      ar: 'أشعر أن معالجي يحترمني.',
    },
    {
      en: 'We are working on the goals that matter to me.',
      de: 'Wir arbeiten an den Zielen, die mir wichtig sind.',
      ar: 'نحن نعمل على الأهداف التي تهمني.',
    },
    {
      en: 'I feel my therapist cares about me, even when I do things they may not approve of.',
      de: 'Ich spüre, dass ich meiner Therapeutin oder meinem Therapeuten wichtig bin, auch wenn ich Dinge tue, die sie oder er vielleicht nicht gutheißt.',
      ar: 'أشعر أن معالجي يهتم بي، حتى عندما أفعل أشياء قد لا يوافق عليها.',
    },
    {
      en: 'We agree on what is important for me to work on.',
      de: 'Wir sind uns einig, woran zu arbeiten für mich wichtig ist.',
      ar: 'نتفق على ما هو مهم لي أن أعمل عليه.',
    },
    {
      en: 'My therapist and I trust one another.',
      de: 'Meine Therapeutin oder mein Therapeut und ich vertrauen einander.',
      ar: 'أنا ومعالجي نثق ببعضنا.',
    },
    {
      en: 'My therapist and I agree on what my problems are.',
      de: 'Meine Therapeutin oder mein Therapeut und ich sind uns einig, worin meine Probleme bestehen.',
      ar: 'أنا ومعالجي متفقان على ماهية مشكلاتي.',
    },
    {
      en: 'We have a good understanding of the changes that would be good for me.',
      de: 'Wir haben ein gutes gemeinsames Verständnis davon, welche Veränderungen gut für mich wären.',
      ar: 'لدينا فهم جيد للتغييرات التي ستكون مفيدة لي.',
    },
    {
      en: 'I believe the way we are working on my problem is right.',
      de: 'Ich glaube, dass die Art, wie wir an meinem Problem arbeiten, richtig ist.',
      ar: 'أعتقد أن الطريقة التي نعمل بها على مشكلتي صحيحة.',
    },
  ],
);

export const allianceTherapist = alliance(
  'alliance-therapist',
  'therapist',
  {
    en: 'The working alliance with this client',
    de: 'Die Arbeitsbeziehung mit dieser Klientin oder diesem Klienten',
    ar: 'التحالف العلاجي مع هذا العميل',
  },
  [
    {
      en: 'My client and I agree on what the client needs to work on in these sessions.',
      de: 'Meine Klientin oder mein Klient und ich sind uns einig, woran in diesen Sitzungen gearbeitet werden muss.',
      ar: 'أتفق أنا وعميلي على ما يحتاج العميل إلى العمل عليه في هذه الجلسات.',
    },
    {
      en: 'Our sessions give my client new ways to look at their situation.',
      de: 'Unsere Sitzungen eröffnen meiner Klientin oder meinem Klienten neue Sichtweisen auf die eigene Lage.',
      ar: 'تمنح جلساتنا عميلي طرقًا جديدة للنظر إلى وضعه.',
    },
    {
      en: 'I feel that my client likes me.',
      de: 'Ich habe das Gefühl, dass meine Klientin oder mein Klient mich mag.',
      ar: 'أشعر أن عميلي يحبني.',
    },
    {
      en: 'My client and I work towards goals we both agreed on.',
      de: 'Meine Klientin oder mein Klient und ich arbeiten an Zielen, auf die wir uns gemeinsam geeinigt haben.',
      ar: 'أعمل أنا وعميلي نحو أهداف اتفقنا عليها معًا.',
    },
    {
      en: 'I respect my client as a person.',
      de: 'Ich respektiere meine Klientin oder meinen Klienten als Person.',
      ar: 'أحترم عميلي كإنسان.',
    },
    {
      en: 'We are working on the goals that matter to my client.',
      de: 'Wir arbeiten an den Zielen, die meiner Klientin oder meinem Klienten wichtig sind.',
      ar: 'نحن نعمل على الأهداف التي تهم عميلي.',
    },
    {
      en: 'I appreciate my client as a person, whatever they do.',
      de: 'Ich schätze meine Klientin oder meinen Klienten als Person, was auch immer sie oder er tut.',
      ar: 'أقدّر عميلي كإنسان مهما فعل.',
    },
    {
      en: 'We agree on what is important for my client to work on.',
      de: 'Wir sind uns einig, woran zu arbeiten für meine Klientin oder meinen Klienten wichtig ist.',
      ar: 'نتفق على ما هو مهم لعميلي أن يعمل عليه.',
    },
    {
      en: 'My client and I trust one another.',
      de: 'Meine Klientin oder mein Klient und ich vertrauen einander.',
      ar: 'أنا وعميلي نثق ببعضنا.',
    },
    {
      en: 'My client and I agree on what their problems are.',
      de: 'Meine Klientin oder mein Klient und ich sind uns einig, worin die Probleme bestehen.',
      ar: 'أنا وعميلي متفقان على ماهية مشكلاته.',
    },
    {
      en: 'We share an understanding of the changes that would be good for my client.',
      de: 'Wir teilen ein Verständnis davon, welche Veränderungen gut für meine Klientin oder meinen Klienten wären.',
      ar: 'نتشارك فهمًا للتغييرات التي ستكون مفيدة لعميلي.',
    },
    {
      en: 'My client believes the way we are working on their problem is right.',
      de: 'Meine Klientin oder mein Klient glaubt, dass die Art, wie wir an dem Problem arbeiten, richtig ist.',
      ar: 'يعتقد عميلي أن الطريقة التي نعمل بها على مشكلته صحيحة.',
    },
  ],
);

export const allianceInterpreter = alliance(
  'alliance-interpreter',
  'interpreter',
  {
    en: 'The working alliance in this session, as you saw it',
    de: 'Die Arbeitsbeziehung in dieser Sitzung, wie Sie sie erlebt haben',
    ar: 'التحالف العلاجي في هذه الجلسة كما رأيته',
  },
  [
    {
      en: 'Client and therapist agree on what the client needs to work on.',
      de: 'Klient/in und Therapeut/in sind sich einig, woran gearbeitet werden muss.',
      ar: 'يتفق العميل والمعالج على ما يحتاج العميل إلى العمل عليه.',
    },
    {
      en: 'The sessions give the client new ways to look at their situation.',
      de: 'Die Sitzungen eröffnen der Klientin oder dem Klienten neue Sichtweisen auf die eigene Lage.',
      ar: 'تمنح الجلسات العميل طرقًا جديدة للنظر إلى وضعه.',
    },
    {
      en: 'The client seems to feel liked by the therapist.',
      de: 'Die Klientin oder der Klient scheint sich von der Therapeutin oder dem Therapeuten gemocht zu fühlen.',
      ar: 'يبدو أن العميل يشعر بأن المعالج يحبه.',
    },
    {
      en: 'Client and therapist work towards goals they both agreed on.',
      de: 'Klient/in und Therapeut/in arbeiten an Zielen, auf die sie sich gemeinsam geeinigt haben.',
      ar: 'يعمل العميل والمعالج نحو أهداف اتفقا عليها معًا.',
    },
    {
      en: 'The therapist treats the client with respect.',
      de: 'Die Therapeutin oder der Therapeut behandelt die Klientin oder den Klienten mit Respekt.',
      ar: 'يعامل المعالج العميل باحترام.',
    },
    {
      en: 'They are working on the goals that matter to the client.',
      de: 'Sie arbeiten an den Zielen, die der Klientin oder dem Klienten wichtig sind.',
      ar: 'إنهما يعملان على الأهداف التي تهم العميل.',
    },
    {
      en: 'The therapist seems to care about the client.',
      de: 'Der Therapeutin oder dem Therapeuten scheint die Klientin oder der Klient wichtig zu sein.',
      ar: 'يبدو أن المعالج يهتم بالعميل.',
    },
    {
      en: 'They agree on what is important for the client to work on.',
      de: 'Sie sind sich einig, woran zu arbeiten für die Klientin oder den Klienten wichtig ist.',
      ar: 'يتفقان على ما هو مهم للعميل أن يعمل عليه.',
    },
    {
      en: 'Client and therapist seem to trust one another.',
      de: 'Klient/in und Therapeut/in scheinen einander zu vertrauen.',
      ar: 'يبدو أن العميل والمعالج يثقان ببعضهما.',
    },
    {
      en: 'Client and therapist agree on what the problems are.',
      de: 'Klient/in und Therapeut/in sind sich einig, worin die Probleme bestehen.',
      ar: 'يتفق العميل والمعالج على ماهية المشكلات.',
    },
    {
      en: 'They share an understanding of the changes that would be good for the client.',
      de: 'Sie teilen ein Verständnis davon, welche Veränderungen gut für die Klientin oder den Klienten wären.',
      ar: 'يتشاركان فهمًا للتغييرات التي ستكون مفيدة للعميل.',
    },
    {
      en: 'The client seems to believe the way they are working is right.',
      de: 'Die Klientin oder der Klient scheint die Art der gemeinsamen Arbeit für richtig zu halten.',
      ar: 'يبدو أن العميل يعتقد أن طريقة عملهما صحيحة.',
    },
  ],
);

export const sessionRating: InstrumentDefinition = {
  id: 'session-rating',
  title: { en: 'How was today’s session?', de: 'Wie war die heutige Sitzung?', ar: 'كيف كانت جلسة اليوم؟' },
  level: 'dyad',
  roles: ['client'],
  items: items([
    {
      en: 'I felt heard, understood and respected today.',
      de: 'Ich habe mich heute gehört, verstanden und respektiert gefühlt.',
      ar: 'شعرت اليوم بأنني مسموع ومفهوم ومحترم.',
    },
    {
      en: 'We worked on and talked about what I wanted to work on today.',
      de: 'Wir haben an dem gearbeitet und über das gesprochen, was mir heute wichtig war.',
      ar: 'عملنا وتحدثنا اليوم عمّا أردت العمل عليه.',
    },
    {
      en: 'The therapist’s approach is a good fit for me.',
      de: 'Die Vorgehensweise der Therapeutin oder des Therapeuten passt gut zu mir.',
      ar: 'طريقة المعالج تناسبني جيدًا.',
    },
    {
      en: 'Overall, today’s session was right for me.',
      de: 'Insgesamt war die heutige Sitzung richtig für mich.',
      ar: 'بشكل عام، كانت جلسة اليوم مناسبة لي.',
    },
  ]),
  scale: {
    min: 0,
    max: 10,
    labels: {
      en: ['Not at all', 'Completely'],
      de: ['Überhaupt nicht', 'Vollkommen'],
      ar: ['إطلاقًا', 'تمامًا'],
    },
  },
  total: 'sum',
  flags: [
    {
      scale: 'total',
      op: '<',
      value: 36,
      label: { en: 'Session rated below 36', de: 'Sitzung unter 36 bewertet', ar: 'تقييم الجلسة أقل من 36' },
    },
  ],
  wording: 'demo',
};

export const phq9: InstrumentDefinition = {
  id: 'phq9',
  title: {
    en: 'Over the last two weeks, how often have you been bothered by the following?',
    de: 'Wie oft fühlten Sie sich in den letzten zwei Wochen durch die folgenden Beschwerden beeinträchtigt?',
    ar: 'خلال الأسبوعين الماضيين، كم مرة انزعجت من الأمور التالية؟',
  },
  level: 'dyad',
  roles: ['client'],
  items: items([
    {
      en: 'Little interest or pleasure in doing things',
      de: 'Wenig Interesse oder Freude an Ihren Tätigkeiten',
      ar: 'قلة الاهتمام أو المتعة في القيام بالأشياء',
    },
    {
      en: 'Feeling down, depressed or hopeless',
      de: 'Niedergeschlagenheit, Schwermut oder Hoffnungslosigkeit',
      ar: 'الشعور بالإحباط أو الاكتئاب أو اليأس',
    },
    {
      en: 'Trouble falling or staying asleep, or sleeping too much',
      de: 'Schwierigkeiten beim Ein- oder Durchschlafen oder vermehrter Schlaf',
      ar: 'صعوبة في النوم أو الاستمرار فيه، أو النوم أكثر من اللازم',
    },
    {
      en: 'Feeling tired or having little energy',
      de: 'Müdigkeit oder Gefühl, keine Energie zu haben',
      ar: 'الشعور بالتعب أو قلة الطاقة',
    },
    {
      en: 'Poor appetite or overeating',
      de: 'Verminderter Appetit oder übermäßiges Essen',
      ar: 'ضعف الشهية أو الإفراط في الأكل',
    },
    {
      en: 'Feeling bad about yourself, or that you are a failure or have let yourself or your family down',
      de: 'Schlechte Meinung von sich selbst, Gefühl, ein Versager zu sein oder sich selbst oder die Familie enttäuscht zu haben',
      ar: 'الشعور بالسوء تجاه نفسك، أو بأنك فاشل أو خذلت نفسك أو عائلتك',
    },
    {
      en: 'Trouble concentrating on things, such as reading or watching television',
      de: 'Schwierigkeiten, sich auf etwas zu konzentrieren, etwa beim Lesen oder Fernsehen',
      ar: 'صعوبة في التركيز على الأشياء، مثل القراءة أو مشاهدة التلفاز',
    },
    {
      en: 'Moving or speaking so slowly that other people could have noticed, or the opposite: being so restless that you have been moving around a lot more than usual',
      de: 'Bewegungen oder Sprache so verlangsamt, dass es anderen auffallen könnte, oder im Gegenteil: so zappelig oder ruhelos, dass Sie sich viel mehr als sonst bewegt haben',
      ar: 'التحرك أو التحدث ببطء لدرجة أن الآخرين قد لاحظوا ذلك، أو العكس: الشعور بتململ شديد جعلك تتحرك أكثر بكثير من المعتاد',
    },
    {
      en: 'Thoughts that you would be better off dead, or of hurting yourself',
      de: 'Gedanken, dass Sie lieber tot wären oder sich Leid zufügen möchten',
      ar: 'أفكار بأنه من الأفضل لو كنت ميتًا، أو بإيذاء نفسك',
    },
  ]),
  scale: { min: 0, max: 3, labels: freq4 },
  total: 'sum',
  bands: [
    { from: 0, label: { en: 'minimal', de: 'minimal', ar: 'ضئيل' } },
    { from: 5, label: { en: 'mild', de: 'leicht', ar: 'خفيف' } },
    { from: 10, label: { en: 'moderate', de: 'mittelgradig', ar: 'متوسط' } },
    { from: 15, label: { en: 'moderately severe', de: 'mittelschwer', ar: 'متوسط الشدة' } },
    { from: 20, label: { en: 'severe', de: 'schwer', ar: 'شديد' } },
  ],
  flags: [
    {
      item: 'i9',
      op: '>=',
      value: 1,
      label: {
        en: 'Thoughts of death or self-harm',
        de: 'Gedanken an Tod oder Selbstverletzung',
        ar: 'أفكار عن الموت أو إيذاء النفس',
      },
      safety: true,
    },
  ],
  wording: 'demo',
};

export const gad7: InstrumentDefinition = {
  id: 'gad7',
  title: {
    en: 'Over the last two weeks, how often have you been bothered by the following?',
    de: 'Wie oft fühlten Sie sich in den letzten zwei Wochen durch die folgenden Beschwerden beeinträchtigt?',
    ar: 'خلال الأسبوعين الماضيين، كم مرة انزعجت من الأمور التالية؟',
  },
  level: 'dyad',
  roles: ['client'],
  items: items([
    {
      en: 'Feeling nervous, anxious or on edge',
      de: 'Nervosität, Ängstlichkeit oder Anspannung',
      ar: 'الشعور بالعصبية أو القلق أو التوتر',
    },
    {
      en: 'Not being able to stop or control worrying',
      de: 'Nicht in der Lage sein, Sorgen zu stoppen oder zu kontrollieren',
      ar: 'عدم القدرة على إيقاف القلق أو التحكم فيه',
    },
    {
      en: 'Worrying too much about different things',
      de: 'Übermäßige Sorgen bezüglich verschiedener Angelegenheiten',
      ar: 'القلق الزائد بشأن أمور مختلفة',
    },
    { en: 'Trouble relaxing', de: 'Schwierigkeiten, sich zu entspannen', ar: 'صعوبة في الاسترخاء' },
    {
      en: 'Being so restless that it is hard to sit still',
      de: 'So ruhelos sein, dass Stillsitzen schwerfällt',
      ar: 'التململ لدرجة يصعب معها الجلوس بهدوء',
    },
    {
      en: 'Becoming easily annoyed or irritable',
      de: 'Schnelle Verärgerung oder Gereiztheit',
      ar: 'الانزعاج أو الغضب بسهولة',
    },
    {
      en: 'Feeling afraid, as if something awful might happen',
      de: 'Gefühl der Angst, so als würde etwas Schlimmes passieren',
      ar: 'الشعور بالخوف كأن شيئًا فظيعًا قد يحدث',
    },
  ]),
  scale: { min: 0, max: 3, labels: freq4 },
  total: 'sum',
  bands: [
    { from: 0, label: { en: 'minimal', de: 'minimal', ar: 'ضئيل' } },
    { from: 5, label: { en: 'mild', de: 'leicht', ar: 'خفيف' } },
    { from: 10, label: { en: 'moderate', de: 'mittelgradig', ar: 'متوسط' } },
    { from: 15, label: { en: 'severe', de: 'schwer', ar: 'شديد' } },
  ],
  wording: 'demo',
};

export const therapistWellbeing: InstrumentDefinition = {
  id: 'therapist-wellbeing',
  title: {
    en: 'Your wellbeing at work this month',
    de: 'Ihr Wohlbefinden bei der Arbeit in diesem Monat',
    ar: 'راحتك في العمل هذا الشهر',
  },
  level: 'therapist',
  roles: ['therapist'],
  items: [
    {
      id: 'i1',
      text: {
        en: 'I feel emotionally drained by my work.',
        de: 'Ich fühle mich durch meine Arbeit emotional erschöpft.',
        ar: 'أشعر بالإرهاق العاطفي بسبب عملي.',
      },
    },
    {
      id: 'i2',
      text: {
        en: 'I feel used up at the end of a working day.',
        de: 'Am Ende eines Arbeitstages fühle ich mich verbraucht.',
        ar: 'أشعر بالاستنزاف في نهاية يوم العمل.',
      },
    },
    {
      id: 'i3',
      text: {
        en: 'I dread facing another day of sessions.',
        de: 'Mir graut vor einem weiteren Tag mit Sitzungen.',
        ar: 'أخشى مواجهة يوم آخر من الجلسات.',
      },
    },
    {
      id: 'i4',
      text: {
        en: 'I take time to recover after difficult sessions.',
        de: 'Ich nehme mir nach schwierigen Sitzungen Zeit, mich zu erholen.',
        ar: 'أمنح نفسي وقتًا للتعافي بعد الجلسات الصعبة.',
      },
    },
    {
      id: 'i5',
      text: {
        en: 'I neglect my own needs because of work.',
        de: 'Ich vernachlässige wegen der Arbeit meine eigenen Bedürfnisse.',
        ar: 'أهمل احتياجاتي الخاصة بسبب العمل.',
      },
      reverse: true,
    },
    {
      id: 'i6',
      text: {
        en: 'I have too little time for rest and the things I enjoy.',
        de: 'Ich habe zu wenig Zeit für Erholung und Dinge, die mir Freude machen.',
        ar: 'لدي وقت قليل جدًا للراحة وللأشياء التي أستمتع بها.',
      },
      reverse: true,
    },
  ],
  scale: {
    min: 1,
    max: 5,
    labels: {
      en: ['Never', 'Rarely', 'Sometimes', 'Often', 'Always'],
      de: ['Nie', 'Selten', 'Manchmal', 'Oft', 'Immer'],
      ar: ['أبدًا', 'نادرًا', 'أحيانًا', 'غالبًا', 'دائمًا'],
    },
  },
  subscales: { exhaustion: ['i1', 'i2', 'i3'], 'self-care': ['i4', 'i5', 'i6'] },
  total: 'none',
  wording: 'demo',
};

/** The built-in instruments, by id. A study's own definitions may add to (or replace) these. */
export const BUILTIN_INSTRUMENTS: ReadonlyMap<string, InstrumentDefinition> = new Map(
  [allianceClient, allianceTherapist, allianceInterpreter, sessionRating, phq9, gad7, therapistWellbeing].map(
    (def) => [def.id, def],
  ),
);
