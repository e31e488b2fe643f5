"""The long multilingual texts of the demo event: transcripts and the published record.

Transcripts are plain text, one paragraph per block separated by a blank line. The record body is
HTML (it goes through the same sanitiser as editor-written bodies).
"""

from __future__ import annotations

JOINT_ADDRESS = {
    "zh": """尊敬的索科洛夫主席，亲爱的朋友们，女士们、先生们：

我们谨代表中华人民共和国驻奥地利大使馆，并代表因公务未能亲临维也纳、深表遗憾的赵明远大使本人，对第二届国际友好大会的开幕表示热烈的祝贺。

两年前，在第一届大会上，我们中的许多人第一次见面。今天，我们作为老朋友再次相聚。中国古诗说："海内存知己，天涯若比邻。"人民之间的友谊不仅仅由政府来建立。它在大学和俱乐部中成长，在友好城市之间成长，在学习彼此语言的年轻人之间成长，也在如实讲述彼此故事的记者之间成长。

过去一年，我馆与联盟各国执行委员会合作，开展了学生交流、"丝绸之路"摄影展以及中医药系列讲座等活动，来自我们各国的三百多名青年参与其中。我们感谢子午线和平基金会为这些活动敞开了这座大楼的大门。

当今世界面临诸多不确定性。正因为如此，在这样的会场里进行的对话才更加重要。我们希望本届大会能够提出具体的建议：关于青年交流，关于地区间合作，关于保护我们共同的文化遗产。大使馆愿为此提供支持。

预祝大会圆满成功，祝各位身体健康。谢谢大家！""",
    "en": """Dear Chairman Sokolov, dear friends, ladies and gentlemen,

On behalf of the Embassy of the People's Republic of China in Austria, and of Ambassador Zhao Mingyuan personally, who very much regrets that official duties keep him away from Vienna today, we extend our warm congratulations on the opening of the Second International Friendship Congress.

Two years ago, at the first congress, many of us met for the first time. Today we meet again as old friends. As an old Chinese poem says, "A close friend far away makes the ends of the earth feel like next door." Friendship between peoples is not built by governments alone. It grows in universities and clubs, between twinned cities, among young people who learn each other's languages, and among journalists who tell each other's stories honestly.

Over the past year our embassy has worked with the Alliance's executive committees on student exchanges, a photo exhibition on the Silk Road and a series of lectures on traditional medicine. More than three hundred young people from our countries took part. We are grateful to the Meridian Peace Foundation for opening the doors of this house to these initiatives.

The world today faces many uncertainties. Precisely for that reason, the dialogue that takes place in halls like this one matters. We hope that the congress will produce concrete proposals: for exchanges between young people, for cooperation between regions and for the preservation of our common cultural heritage. The embassy stands ready to support them.

We wish the congress every success and all of you good health. Thank you.""",
    "ru": """Уважаемый председатель Соколов, дорогие друзья, дамы и господа!

От имени Посольства Китайской Народной Республики в Австрии и лично Посла Чжао Минъюаня, который очень сожалеет, что служебные обязанности не позволили ему сегодня быть в Вене, мы сердечно поздравляем вас с открытием Второго международного конгресса дружбы.

Два года назад, на первом конгрессе, многие из нас встретились впервые. Сегодня мы встречаемся снова — как старые друзья. Как говорится в старинном китайском стихотворении, «близкий друг и на краю света — словно сосед». Дружбу между народами строят не только правительства. Она растёт в университетах и клубах, в городах-побратимах, среди молодёжи, изучающей языки друг друга, и среди журналистов, честно рассказывающих друг о друге.

За прошедший год наше посольство вместе с исполнительными комитетами Альянса провело студенческие обмены, фотовыставку о Шёлковом пути и цикл лекций по традиционной медицине. В них приняли участие более трёхсот молодых людей из наших стран. Мы благодарны Фонду мира «Меридиан» за то, что он открыл двери этого дома для этих инициатив.

Сегодня мир сталкивается с множеством неопределённостей. Именно поэтому так важен диалог, который ведётся в таких залах, как этот. Мы надеемся, что конгресс выработает конкретные предложения — по молодёжным обменам, по сотрудничеству между регионами, по сохранению нашего общего культурного наследия. Посольство готово их поддержать.

Желаем конгрессу успешной работы, а всем вам — крепкого здоровья. Благодарим за внимание!""",
}

WELCOME = {
    "de": """Sehr geehrter Herr Vorsitzender, verehrte Gäste, liebe Freundinnen und Freunde,

im Namen der Donau-Freundschaftsgesellschaft heiße ich Sie herzlich in Wien willkommen. Es ist mir eine besondere Ehre, Ihnen zugleich die Grüße von Frau Dr. Margarethe Aigner, der Präsidentin der Meridian-Friedensstiftung, zu überbringen. Frau Dr. Aigner kann heute leider nicht bei uns sein; sie hat mich gebeten, Ihnen zu sagen, dass dieses Haus allen offensteht, die das Gespräch dem Schweigen vorziehen.

Unsere Gesellschaft wurde vor fünfundzwanzig Jahren von einer Handvoll Lehrerinnen, Ärzten und Studenten gegründet, die der Meinung waren, dass man einander zuerst kennenlernen muss, bevor man übereinander urteilt. Heute zählen wir über tausend Mitglieder in allen Bundesländern, organisieren Sprachkurse und Schüleraustausche und jedes Jahr ein Sommerfest am Donauufer, zu dem Gäste aus mehr als zwanzig Ländern kommen.

Wien war immer eine Stadt der Begegnung, ein Ort, an dem Menschen unterschiedlicher Sprachen und Überzeugungen einen gemeinsamen Tisch gefunden haben. Ich wünsche mir, dass auch dieser Kongress ein solcher Tisch wird: einer, an dem man zuhört, widerspricht, lacht und am Ende gemeinsam etwas beschließt.

In diesem Sinne: herzlich willkommen, dobro poschalowat, huanying – und einen erfolgreichen Kongress!""",
    "en": """Mr Chairman, distinguished guests, dear friends,

On behalf of the Danube Friendship Society, I warmly welcome you to Vienna. It is a particular honour for me to bring you at the same time the greetings of Dr Margarethe Aigner, President of the Meridian Peace Foundation. Unfortunately Dr Aigner cannot be with us today; she asked me to tell you that this house is open to everyone who prefers conversation to silence.

Our society was founded twenty-five years ago by a handful of teachers, doctors and students who believed that people should get to know each other before they judge each other. Today we have more than a thousand members in every federal state; we run language courses and school exchanges, and every year a summer festival on the banks of the Danube that brings guests from more than twenty countries.

Vienna has always been a city of encounters, a place where people of different languages and convictions have found a common table. I hope that this congress, too, becomes such a table: one where people listen, disagree, laugh and in the end decide something together.

In that spirit: welcome, dobro pozhalovat, huanying, and a successful congress to all of us!""",
    "ru": """Уважаемый господин председатель, уважаемые гости, дорогие друзья!

От имени Общества дружбы «Дунай» сердечно приветствую вас в Вене. Для меня особая честь передать вам также приветствие президента Фонда мира «Меридиан» доктора Маргарете Айгнер. К сожалению, доктор Айгнер не может быть сегодня с нами; она просила передать, что этот дом открыт для всех, кто предпочитает разговор молчанию.

Наше общество было основано двадцать пять лет назад горсткой учителей, врачей и студентов, которые считали, что сначала нужно узнать друг друга, а уже потом судить друг о друге. Сегодня у нас более тысячи членов во всех федеральных землях; мы организуем языковые курсы, школьные обмены и каждый год — летний праздник на берегу Дуная, на который приезжают гости из более чем двадцати стран.

Вена всегда была городом встреч, местом, где люди разных языков и убеждений находили общий стол. Мне хочется, чтобы и этот конгресс стал таким столом: за которым слушают, спорят, смеются и в конце концов вместе принимают решения.

С этими словами — herzlich willkommen, добро пожаловать, хуаньин — и успешной работы конгрессу!""",
}

POLITICAL_ADDRESS = {
    "ru": """Уважаемые члены президиума, уважаемые гости, дорогие друзья!

Тридцать лет назад, когда был основан наш Альянс, нас было совсем немного: несколько десятков энтузиастов из пяти стран, которые верили, что народная дипломатия способна сделать то, что не всегда удаётся официальной. Сегодня в этом зале собрались делегации из шести стран, представители посольств, партий, научных обществ, университетов и молодёжных организаций. Это лучший ответ тем, кто считал нашу идею наивной.

Мы живём в трудное время. Растёт недоверие, сокращаются контакты, всё чаще звучит язык ультиматумов вместо языка переговоров. В такое время особенно важно сохранить то, что связывает людей: общие воспоминания, общие интересы, общую ответственность за будущее наших детей. Мы не подменяем государства и не претендуем на это. Но мы можем и должны создавать пространство, где люди разных взглядов говорят друг с другом с уважением.

За два года, прошедшие после первого конгресса, исполнительные комитеты Альянса в России, Китае, Германии, Казахстане и Сербии провели более ста мероприятий: конференции, выставки, летние школы, гуманитарные акции. Координационный комитет принял в свои ряды девять новых организаций, ещё семь получили статус кандидатов. Я благодарю каждого, кто вложил в эту работу своё время и свои силы.

Предлагаю конгрессу три практических шага. Первый — учредить постоянную программу молодёжных обменов между городами, где работают наши комитеты. Второй — создать общую открытую библиотеку переводов, чтобы лучшие книги, фильмы и исследования наших стран были доступны на всех языках Альянса. Третий — ежегодно проводить региональные круглые столы, итоги которых будут докладываться следующему конгрессу.

Дружба между народами — это не лозунг, а ежедневный труд. Объявляю Второй международный конгресс дружбы открытым. Благодарю за внимание!""",
    "en": """Members of the presidium, distinguished guests, dear friends,

Thirty years ago, when our Alliance was founded, there were very few of us: a few dozen enthusiasts from five countries who believed that people's diplomacy could achieve what official diplomacy does not always manage. Today this hall holds delegations from six countries and representatives of embassies, parties, learned societies, universities and youth organizations. That is the best answer to those who thought our idea naive.

We live in difficult times. Mistrust is growing, contacts are shrinking, and the language of ultimatums is heard more and more often instead of the language of negotiation. At such a time it is especially important to preserve what binds people together: shared memories, shared interests, a shared responsibility for the future of our children. We do not take the place of states and we do not claim to. But we can, and must, create a space where people of different views speak to each other with respect.

In the two years since the first congress, the Alliance's executive committees in Russia, China, Germany, Kazakhstan and Serbia have held more than a hundred events: conferences, exhibitions, summer schools and humanitarian campaigns. The Coordination Committee has admitted nine new member organizations, and seven more have become candidate members. I thank everyone who has given their time and energy to this work.

I propose three practical steps to the congress. First, to establish a permanent programme of youth exchanges between the cities where our committees work. Second, to create a shared open library of translations, so that the best books, films and research of our countries are available in every language of the Alliance. Third, to hold regional round tables every year and to report their results to the next congress.

Friendship between peoples is not a slogan but daily work. I declare the Second International Friendship Congress open. Thank you for your attention.""",
    "zh": """尊敬的主席团成员，尊敬的各位来宾，亲爱的朋友们：

三十年前，我们联盟成立的时候，人数还很少：只有来自五个国家的几十位热心人士。他们相信，民间外交能够做到官方外交有时做不到的事情。今天，这个大厅里汇聚了来自六个国家的代表团，以及使馆、政党、学术团体、大学和青年组织的代表。这是对那些认为我们的理想过于天真的人的最好回答。

我们生活在一个艰难的时代。不信任在增长，交往在减少，最后通牒的语言越来越多地取代了谈判的语言。在这样的时候，尤其重要的是守护把人们联系在一起的东西：共同的记忆，共同的利益，以及对我们子孙未来的共同责任。我们不取代国家，也不想取代国家。但是我们能够、也应该创造一个空间，让持不同观点的人相互尊重地对话。

第一届大会以来的两年里，联盟在俄罗斯、中国、德国、哈萨克斯坦和塞尔维亚的执行委员会举办了一百多场活动：会议、展览、暑期学校和人道主义行动。协调委员会接纳了九个新的成员组织，另有七个组织成为候选成员。我感谢每一位为这项工作付出时间和精力的人。

我向大会提出三项务实的措施。第一，在我们各委员会所在的城市之间建立常设的青年交流项目。第二，建立一个共同的开放翻译图书馆，使我们各国最好的书籍、电影和研究成果能够以联盟的所有语言获取。第三，每年举办地区圆桌会议，并向下一届大会报告其成果。

人民之间的友谊不是口号，而是日常的工作。我宣布第二届国际友好大会开幕。谢谢大家！""",
}

RECORD_HEADLINE = {
    "en": "Second International Friendship Congress opens in Vienna",
    "ru": "В Вене открылся Второй международный конгресс дружбы",
    "zh": "第二届国际友好大会在维也纳开幕",
    "de": "Zweiter Internationaler Freundschaftskongress in Wien eröffnet",
}

RECORD_LEAD = {
    "en": "Delegations from six countries, diplomats, parties, learned societies and youth "
    "organizations met in the Great Hall of Meridian House for the opening ceremony.",
    "ru": "На церемонию открытия в Большом зале Дома «Меридиан» собрались делегации шести "
    "стран, дипломаты, представители партий, научных обществ и молодёжных организаций.",
    "zh": "来自六个国家的代表团、外交官以及政党、学术团体和青年组织的代表齐聚子午线之家大厅，出席开幕式。",
    "de": "Delegationen aus sechs Ländern, Diplomaten, Parteien, wissenschaftliche "
    "Gesellschaften und Jugendorganisationen kamen zur Eröffnungsfeier im Großen Saal "
    "des Meridian-Hauses zusammen.",
}

RECORD_BODY = {
    "en": """<p>The Second International Friendship Congress, organized by the Global Friendship Alliance and timed to coincide with the Alliance's thirtieth anniversary, opened in the Great Hall of Meridian House, the seat of the Meridian Peace Foundation in Vienna.</p>
<p>The ceremony was chaired by Viktor Sokolov, Chairman of the Organizing Committee. Beside him in the presidium sat Chen Jing, Adviser to the Ambassador of the People's Republic of China in Austria, and Friedrich Leitner, Chairman of the Danube Friendship Society.</p>
<p>Attending were representatives of the Embassy of the People's Republic of China, the Meridian Peace Foundation, members and candidate members of the Coordination Committee, the Alliance's executive committees in Russia, China and Germany, the Ural Regional Studies Society, the International Friendship Club of the Vienna University of Humanities, several parties and youth organizations. Journalists from Russia, China and Germany followed the ceremony as observers.</p>
<p>Ekaterina Volkova, an activist of the Youth for Peace Network, presented a hand-painted porcelain vase for Ambassador Zhao Mingyuan, who could not attend; Chen Jing received it on his behalf. The video blogger Lukas Brandt was awarded the commemorative badge "Ambassador of Friendship" for his series "Across Borders".</p>
<p>Minister-Counsellor Liu Haitao and First Secretary Sun Yue delivered a joint address on behalf of the Embassy. Friedrich Leitner welcomed the guests and conveyed greetings from Dr Margarethe Aigner, President of the Meridian Peace Foundation. Viktor Sokolov closed the ceremony with an address in which he proposed three practical steps to the congress and declared it open.</p>""",
    "ru": """<p>Второй международный конгресс дружбы, организованный Глобальным альянсом дружбы и приуроченный к тридцатилетию Альянса, открылся в Большом зале Дома «Меридиан» — резиденции Фонда мира «Меридиан» в Вене.</p>
<p>Церемонию вёл председатель Организационного комитета Виктор Соколов. Рядом с ним в президиуме находились советник Посла Китайской Народной Республики в Австрии Чэнь Цзин и председатель Общества дружбы «Дунай» Фридрих Лайтнер.</p>
<p>На церемонии присутствовали представители Посольства КНР, Фонда мира «Меридиан», члены и кандидаты в члены Координационного комитета, исполнительные комитеты Альянса в России, Китае и Германии, Уральское общество регионоведения, Международный клуб дружбы Венского гуманитарного университета, ряд партий и молодёжных организаций. В качестве наблюдателей за церемонией следили журналисты из России, Китая и Германии.</p>
<p>Активистка Сети «Молодёжь за мир» Екатерина Волкова вручила расписную фарфоровую вазу для Посла Чжао Минъюаня, который не смог присутствовать; подарок от его имени приняла Чэнь Цзин. Видеоблогер Лукас Брандт был награждён памятным знаком «Посол дружбы» за цикл «Без границ».</p>
<p>С совместным обращением от имени Посольства выступили советник-посланник Лю Хайтао и первый секретарь Сунь Юэ. Фридрих Лайтнер приветствовал гостей и передал приветствие президента Фонда мира «Меридиан» доктора Маргарете Айгнер. Завершил церемонию Виктор Соколов: в своём выступлении он предложил конгрессу три практических шага и объявил его открытым.</p>""",
    "zh": """<p>由全球友好联盟主办、适逢联盟成立三十周年的第二届国际友好大会在维也纳子午线和平基金会所在地子午线之家大厅开幕。</p>
<p>开幕式由组委会主席维克托·索科洛夫主持。与他一同就座主席台的有中华人民共和国驻奥地利大使顾问陈静和多瑙友好协会主席弗里德里希·莱特纳。</p>
<p>出席开幕式的有中国大使馆、子午线和平基金会的代表，协调委员会的成员和候选成员，联盟在俄罗斯、中国和德国的执行委员会，乌拉尔地区研究会，维也纳人文大学国际友好俱乐部，以及多个政党和青年组织。来自俄罗斯、中国和德国的记者作为观察员报道了开幕式。</p>
<p>"青年争取和平网络"活动人士叶卡捷琳娜·沃尔科娃为未能出席的赵明远大使赠送了一只手绘瓷瓶，由陈静代为接受。视频博主卢卡斯·勃兰特因其系列节目《跨越边界》被授予"友好使者"纪念章。</p>
<p>公使衔参赞刘海涛和一等秘书孙悦代表使馆共同致辞。弗里德里希·莱特纳致欢迎辞，并转达了子午线和平基金会主席玛格丽特·艾格纳博士的问候。维克托·索科洛夫最后发表讲话，向大会提出三项务实措施，并宣布大会开幕。</p>""",
    "de": """<p>Der Zweite Internationale Freundschaftskongress, veranstaltet von der Globalen Freundschaftsallianz aus Anlass ihres dreißigjährigen Bestehens, wurde im Großen Saal des Meridian-Hauses, des Sitzes der Meridian-Friedensstiftung in Wien, eröffnet.</p>
<p>Den Vorsitz führte Viktor Sokolow, Vorsitzender des Organisationskomitees. Neben ihm saßen im Präsidium Chen Jing, Beraterin des Botschafters der Volksrepublik China in Österreich, und Friedrich Leitner, Vorsitzender der Donau-Freundschaftsgesellschaft.</p>
<p>Anwesend waren Vertreter der Botschaft der Volksrepublik China und der Meridian-Friedensstiftung, Mitglieder und Kandidaten des Koordinationskomitees, die Exekutivkomitees der Allianz in Russland, China und Deutschland, die Uralische Gesellschaft für Regionalstudien, der Internationale Freundschaftsclub der Wiener Universität für Geisteswissenschaften sowie mehrere Parteien und Jugendorganisationen. Journalisten aus Russland, China und Deutschland verfolgten die Feier als Beobachter.</p>
<p>Jekaterina Wolkowa, Aktivistin des Netzwerks „Jugend für den Frieden“, überreichte eine handbemalte Porzellanvase für Botschafter Zhao Mingyuan, der nicht anwesend sein konnte; Chen Jing nahm sie in seinem Namen entgegen. Der Videoblogger Lukas Brandt wurde für seine Reihe „Über Grenzen“ mit dem Gedenkabzeichen „Botschafter der Freundschaft“ ausgezeichnet.</p>
<p>Gesandter-Botschaftsrat Liu Haitao und Erster Sekretär Sun Yue hielten eine gemeinsame Ansprache im Namen der Botschaft. Friedrich Leitner begrüßte die Gäste und überbrachte die Grüße von Dr. Margarethe Aigner, Präsidentin der Meridian-Friedensstiftung. Viktor Sokolow schloss die Feier mit einer Ansprache, in der er dem Kongress drei praktische Schritte vorschlug und ihn für eröffnet erklärte.</p>""",
}
