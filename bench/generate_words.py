"""Sentence templates and word lists, in English and Japanese, that the text pool mixes.

Placeholders ({topic}, {skill}, {person}, {thing}, {number}) are filled from the word lists,
so a few templates per section give hundreds of distinct, plausible texts.
"""

WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "topic": ["the data migration", "our onboarding guide", "the quarterly plan",
                  "the customer interviews", "the pricing page", "the hiring loop",
                  "the evening course", "the side project", "the team retro", "the budget"],
        "skill": ["SQL", "public speaking", "writing proposals", "coaching", "negotiation",
                  "product discovery", "time boxing", "statistics", "facilitation", "Python"],
        "person": ["my manager", "a former colleague", "our designer", "a mentor", "the CFO",
                   "a recruiter", "my partner", "a peer from the cohort", "the new hire"],
        "thing": ["a one-page summary", "a short talk", "a prototype", "a blog post",
                  "a checklist", "a dashboard", "a workshop", "a cover letter"],
        "number": ["two", "three", "four", "five", "six", "eight", "ten", "twelve"],
    },
    "ja": {
        "topic": ["データ移行", "新人向けの手引き", "四半期計画", "顧客インタビュー", "料金ページ",
                  "採用面接の流れ", "夜間講座", "副業のプロジェクト", "チームの振り返り", "予算案"],
        "skill": ["SQL", "人前で話すこと", "企画書づくり", "コーチング", "交渉", "統計",
                  "進行役", "Python", "時間の区切り方", "顧客理解"],
        "person": ["上司", "前の職場の同僚", "デザイナーの先輩", "メンター", "経理の部長",
                   "転職エージェント", "家族", "コホートの仲間", "新しく入った人"],
        "thing": ["一枚のまとめ", "短い発表", "試作品", "ブログ記事", "チェックリスト",
                  "ダッシュボード", "勉強会", "職務経歴書"],
        "number": ["2", "3", "4", "5", "6", "8", "10", "12"],
    },
}  # fmt: skip

SECTIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "will": [
            "I want my work to help people make calmer decisions with better information.",
            "In five years I would like to lead a small team that is proud of what it ships.",
            "I keep coming back to teaching: explaining {skill} to someone and seeing it click.",
            "Money matters less to me than time with my family and work I can explain to my kids.",
            "I would like to be the person others call when {topic} gets complicated.",
        ],
        "can_must": [
            "I am good at turning messy notes into {thing}; people rely on me for that.",
            "I still avoid conflict, and that slows down decisions on {topic}.",
            "What is expected of me now is to own {topic} from start to finish.",
            "My {skill} is solid, but I rarely show it outside the team.",
            "I must get better at saying no early instead of late.",
        ],
        "tactics": [
            "Block two mornings a week for {skill}, with the phone in another room.",
            "Ask {person} for thirty minutes each month to review my progress.",
            "Ship something small every week instead of one big thing at the end.",
            "Write down every decision on {topic} so I stop reopening it.",
        ],
        "did": [
            "Finished {topic} {number} days ahead of the deadline.",
            "Met {person} twice and we sketched {thing} together.",
            "Wrote {thing} about {topic} and shared it with the team.",
            "Spent {number} evenings on {skill}; the notes are in my journal.",
            "Interviewed {number} people about {topic}.",
        ],
        "praised": [
            "{person} thanked me for how I handled {topic}.",
            "My {thing} was forwarded to another department as an example.",
            "A customer wrote back to say the new guide saved them an afternoon.",
            "The team said the meeting I ran was the shortest useful one this quarter.",
        ],
        "keep_problem": [
            "Keep: writing the plan for the week on Monday morning.",
            "Keep: asking for feedback before the work is finished.",
            "Problem: {topic} ate most of my focus time again.",
            "Problem: I said yes to {number} requests I should have declined.",
        ],
        "learned": [
            "A rough draft shared early beats a polished one shared late.",
            "{skill} is easier when I practise in short daily sessions.",
            "People care less about the tool than about who answers their questions.",
            "I learned from {person} that silence in a meeting is not agreement.",
        ],
        "try": [
            "Present {thing} on {topic} at the next team meeting.",
            "Spend twenty minutes a day on {skill} and log it.",
            "Ask {person} for one honest piece of feedback.",
            "Say no to one new request and see what happens.",
        ],
        "options": [
            "Stay and grow into a lead role, or move to a smaller company.",
            "Take a part-time course in {skill} next spring.",
            "Turn the side project into something that earns a little.",
        ],
        "feedback_ask": [
            "How could I explain {topic} so that it lands with people outside the team?",
            "Is my plan for {skill} realistic with the time I have?",
            "Which of my options would you explore first, and why?",
            "What do you see me avoiding in this inventory?",
        ],
        "blockers": [
            "I need someone who has done {topic} before to review my plan.",
            "Childcare on Thursdays makes evening study hard.",
            "Looking for an introduction to someone working in {skill}.",
        ],
        "energy": [
            "Busy but good: {topic} finally moved.",
            "Tired. Too many evenings on {topic}.",
            "Lots of energy after the talk with {person}.",
            "A quiet month, and that was fine.",
        ],
    },
    "ja": {
        "will": [
            "情報を整えて、人が落ち着いて判断できるようにする仕事がしたい。",
            "5年後には、出したものに誇りを持てる小さなチームを率いていたい。",
            "{skill}を誰かに教えて、相手がわかった瞬間を見るのがいちばん嬉しい。",
            "収入よりも、家族との時間と、子どもに説明できる仕事を大事にしたい。",
            "{topic}が難しくなったときに、最初に声をかけられる人でいたい。",
        ],
        "can_must": [
            "散らかったメモを{thing}にまとめるのが得意で、頼られることが多い。",
            "まだ対立を避けがちで、{topic}の判断を遅らせてしまう。",
            "今求められているのは、{topic}を最初から最後まで自分で持つこと。",
            "{skill}には自信があるが、チームの外ではほとんど見せていない。",
            "断るなら早く断る、を身につけなければならない。",
        ],
        "tactics": [
            "週に2回、朝の時間を{skill}にあてる。スマホは別の部屋に置く。",
            "{person}に毎月30分、進み具合を見てもらう。",
            "最後に大きく出すより、毎週小さく出す。",
            "{topic}で決めたことは全部書き残して、蒸し返さないようにする。",
        ],
        "did": [
            "{topic}を締め切りの{number}日前に終えた。",
            "{person}と2回会い、{thing}の骨組みを一緒に考えた。",
            "{topic}について{thing}を書き、チームに共有した。",
            "{number}晩を{skill}の勉強にあてた。ノートは手帳に残している。",
            "{topic}について{number}人に話を聞いた。",
        ],
        "praised": [
            "{topic}の進め方について{person}からお礼を言われた。",
            "自分の{thing}が、他部署にお手本として回された。",
            "お客さまから、新しい手引きのおかげで半日助かったと連絡があった。",
            "自分が進行した会議が、今期いちばん短くて役に立ったと言われた。",
        ],
        "keep_problem": [
            "Keep：月曜の朝に一週間の計画を書くこと。",
            "Keep：仕上がる前に意見をもらうこと。",
            "Problem：今月も{topic}に集中の時間をほとんど取られた。",
            "Problem：断るべき依頼を{number}件も引き受けてしまった。",
        ],
        "learned": [
            "早く出した下書きは、遅く出した完成品に勝つ。",
            "{skill}は、毎日少しずつのほうが身につく。",
            "人は道具そのものより、誰が質問に答えてくれるかを気にしている。",
            "会議での沈黙は賛成ではない、と{person}から学んだ。",
        ],
        "try": [
            "次のチーム会議で{topic}について{thing}を発表する。",
            "毎日20分{skill}に取り組み、記録をつける。",
            "{person}に、率直な意見を一つだけもらう。",
            "新しい依頼を一つ断ってみて、何が起きるかを見る。",
        ],
        "options": [
            "今の会社でリーダーを目指すか、小さな会社に移るか。",
            "来年の春から{skill}の講座に週末だけ通う。",
            "副業のプロジェクトを、少しでも収入になる形にする。",
        ],
        "feedback_ask": [
            "チームの外の人にも伝わるように、{topic}をどう説明すればよいでしょうか？",
            "今の時間の中で、{skill}の計画は現実的だと思いますか？",
            "私の選択肢のうち、まずどれを試すとよいと思いますか？",
            "この棚卸しを読んで、私が避けているように見えることは何ですか？",
        ],
        "blockers": [
            "{topic}の経験がある人に、計画を見てもらいたい。",
            "木曜は子どもの送り迎えがあり、夜の勉強が難しい。",
            "{skill}の仕事をしている人を紹介してほしい。",
        ],
        "energy": [
            "忙しかったが良い月。{topic}がやっと動いた。",
            "疲れた。{topic}で夜が埋まった。",
            "{person}と話してから元気が出た。",
            "静かな月だったが、それでよかった。",
        ],
    },
}

FEEDBACK: dict[str, dict[str, list[str]]] = {
    "en": {
        "ask_answer": [
            "Start with the problem {topic} solves for them, then one number, then the ask.",
            "It looks realistic if you protect the two mornings; I would drop the third goal.",
            "I would explore the smaller company first: you light up when you talk about it.",
        ],
        "situation": [
            "In the review of {topic} last month.",
            "When {person} pushed back.",
            "During the session, when you presented {thing}.",
        ],
        "behaviour": [
            "You answered with data and stayed calm.",
            "You summarised three opinions in one sentence.",
            "You asked the quietest person what they thought.",
        ],
        "impact": [
            "The decision was made in ten minutes.",
            "Everyone left knowing the next step.",
            "The team trusted the plan and moved faster.",
        ],
        "question": [
            "What would you do if nobody asked you to?",
            "Which part of {topic} would you keep if you had half the time?",
            "What would change if you said this to {person}?",
        ],
        "keep": ["Keep writing the weekly plan."],
        "start": ["Start sharing drafts earlier."],
        "stop": ["Stop apologising before you present."],
        "reply": [
            "Thank you, that question stayed with me all week.",
            "Good point. I will try it at the next meeting.",
            "I had not seen it that way. Thanks for taking the time.",
        ],
    },
    "ja": {
        "ask_answer": [
            "相手にとって{topic}が何を解決するかを先に話し、数字を一つ添えて、最後にお願いを。",
            "朝の2回を守れるなら現実的だと思います。3つ目の目標は外してもよさそうです。",
            "小さな会社のほうを先に試してみては。その話をするときの表情が違います。",
        ],
        "situation": [
            "先月の{topic}の見直しの場面です。",
            "{person}から反対されたときです。",
            "セッションで{thing}を発表したときです。",
        ],
        "behaviour": [
            "数字を示しながら、落ち着いて答えていました。",
            "三つの意見を一文にまとめていました。",
            "いちばん静かな人に意見を聞いていました。",
        ],
        "impact": [
            "10分で結論が出ました。",
            "全員が次の一歩をわかって帰れました。",
            "チームが計画を信頼し、動きが速くなりました。",
        ],
        "question": [
            "誰にも頼まれなかったとしたら、何をしますか？",
            "時間が半分なら、{topic}のどこを残しますか？",
            "これを{person}に伝えたら、何が変わると思いますか？",
        ],
        "keep": ["週の計画を書くことは続けてほしい。"],
        "start": ["下書きをもっと早く見せてみては。"],
        "stop": ["発表の前に謝るのはやめてもいいと思います。"],
        "reply": [
            "ありがとうございます。その問いを一週間考えていました。",
            "なるほど、次の会議で試してみます。",
            "その見方はありませんでした。時間を取ってくださり感謝します。",
        ],
    },
}

GOALS: dict[str, list[str]] = {
    "en": ["Give a talk on {skill} at a meetup", "Get promoted to team lead",
           "Finish the certificate in {skill}", "Save six months of expenses",
           "Publish {number} articles about {topic}", "Move to a four-day week",
           "Build {thing} that people outside work use"],
    "ja": ["{skill}について勉強会で発表する", "チームリーダーに昇格する",
           "{skill}の資格を取る", "生活費の半年分を貯める", "{topic}について記事を{number}本書く",
           "週4日勤務に移る", "社外の人も使う{thing}をつくる"],
}  # fmt: skip
GOAL_WHY = {
    "en": ["It is the next step towards the work I want.", "I want proof that I can do it."],
    "ja": ["目指す仕事への次の一歩だから。", "自分にできると確かめたい。"],
}
TASKS = {
    "en": ["Draft {thing} on {topic}", "Book a call with {person}",
           "Practise {skill} {number} times", "Read two chapters on {skill}",
           "Send the summary of {topic}"],
    "ja": ["{topic}の{thing}を下書きする", "{person}と話す時間をとる",
           "{skill}を{number}回練習する", "{skill}の本を2章読む", "{topic}のまとめを送る"],
}  # fmt: skip
PROGRESS_NOTES = {
    "en": ["Steady.", "Slower than planned.", "Good month for this one.", "Halfway there."],
    "ja": ["順調。", "予定より遅れている。", "今月はよく進んだ。", "半分まで来た。"],
}
FIRST_NAMES = {
    "en": ["Alex", "Sam", "Priya", "Tom", "Grace", "Liam", "Sofia", "Daniel", "Hannah", "Omar",
           "Chloe", "Noah", "Maya", "Ethan", "Zara", "Lucas", "Aisha", "Ben", "Emma", "Felix"],
    "ja": ["遥", "健一", "美咲", "大輔", "さくら", "誠", "直子", "浩", "翔太", "陽菜", "蓮",
           "結衣", "拓海", "葵", "悠真", "美月", "大和", "七海", "湊", "優奈"],
}  # fmt: skip
LAST_NAMES = {
    "en": ["Raman", "Becker", "Okafor", "O'Connor", "Martins", "Kim", "Clarke", "Evans",
           "Silva", "Novak", "Haddad", "Moreau", "Jensen", "Rossi", "Nguyen", "Patel"],
    "ja": ["佐藤", "田中", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
           "吉田", "山田", "佐々木", "松本", "井上", "木村"],
}  # fmt: skip
COHORT_NAMES = {
    "en": ["Thursday Evening Circle", "Career Lab", "Second Act", "Morning Pages Group",
           "Builders Club", "Next Step Circle", "Northside Career Group", "Monthly Compass"],
    "ja": ["土曜キャリア会", "夜のふりかえり会", "みちしるべの会", "朝活キャリア部",
           "つぎの一歩の会", "月いちコンパス", "はたらく棚卸し会", "学び直しの輪"],
}  # fmt: skip
BIOS = {
    "en": [
        "Product manager, writing on the side.",
        "Nurse moving into health data.",
        "Former chef learning to code.",
        "Teacher thinking about a career change.",
    ],
    "ja": [
        "プロダクトマネージャー。副業で文章を書いている。",
        "看護師から医療データの仕事へ。",
        "料理人からエンジニアを目指して勉強中。",
        "教員。働き方を見直している。",
    ],
}
AGENDA = {
    "en": "1. Check-in: your month in one word (10 min)\n"
    "2. Each of us walks through their inventory (10 min each)\n"
    "3. Everyone names one Try for next month (10 min)",
    "ja": "1. チェックイン：今月をひとことで（10分）\n"
    "2. 一人ずつ棚卸しを紹介し、問いに答える（各10分）\n"
    "3. 来月のTryを一人ひとつ（10分）",
}
