"""Borderline requests, third batch (issue 14, round 3): the rule's borderline criteria as kinds, each with its
contrast, worded as users write (terse, typos, chatty, polite). Labelled by the rule in router/data/README.md.
Sources "handwritten/borderline/<group>"; build_dataset.py assigns their splits after the second batch's, so
adding them moves no earlier row between splits."""

from router.data.handwritten_borderline import _chat

# ---------------------------------------------------------------- large

# Two-digit by two-digit (or larger) arithmetic asked tersely: past the rule's times tables.
TERSE_ARITHMETIC = [
    "14*16", "23 x 19 = ?", "what's 65 times 35", "45 × 45", "divide 952 by 17", "27 times 31 pls", "quick: 84 x 26",
    "how much is 13 times 17", "whats 52*48", "multiply 36 and 74", "99 x 99?", "ninety-one times sixty-two",
    "what is 16 times 18 exactly", "1,728 / 16?", "4,096 - 1,987", "3,456 + 7,899 = ?", "15% of 2,360?",
    "19 squared?", "what's 2 to the 15th", "Whats 37 x 43 — need it fast", "product of 73 and 58", "618 / 3.5?",
]

# Number theory, series and growth in a line: the answer is a derivation.
SHORT_NUMBER_THEORY = [
    "Is 529 prime?", "is 899 a prime number", "What's the remainder when 2^100 is divided by 7?", "last digit of 7^2023?",
    "How many zeros at the end of 30 factorial?", "sum of the first 100 positive integers?", "add up all the whole numbers from 1 to 200",
    "GCD of 252 and 198?", "LCM of 18, 24 and 45", "Is 1,331 a perfect cube?", "how many divisors does 360 have",
    "Prime factorization of 1,386?", "Is 221 divisible by 13 or 17?", "What's 17 mod 5 times 123 mod 7?",
    "In how many years does $1,000 grow to $3,000 at 5% compounded yearly?", "How much is $5,000 after 8 years at 4% compounded monthly?",
    "what's the 20th fibonacci number", "is 2,047 prime", "sum of all odd numbers from 1 to 99?", "1 + 2 + 3 + ... + 500 = ?",
    "Is 2,197 a perfect cube?", "is 784 a perfect square", "sum of the first 30 squares", "how many primes are there below 100?",
]

# One-line code requests: writing, reading or fixing code, however short the ask.
ONE_LINE_CODE = [
    "regex for a US zip code", "Swap two variables without a temp in C, code only.", "SQL query to find duplicate emails",
    "bash command to count lines in all .py files", "python one-liner to read a csv into a list of dicts",
    "output of print(len('hello'[1:]))?", "what's the output of console.log(0.1 + 0.2 === 0.3)",
    "CSS to center a div horizontally and vertically", "Excel formula to sum column B if column A says 'paid'",
    "why does my loop print 10 ten times: for (var i=0;i<10;i++) setTimeout(()=>console.log(i))",
    "Merge two sorted arrays in Java.", "write fizzbuzz in rust", "Big-O of binary search?",
    "git command to undo my last commit but keep the changes", "Dockerfile for a flask app", "Validate an email address in python",
    "What's wrong with: if x = 5: print(x)", "cron expression for every weekday at 9am", "Flatten a dict in Python?",
    "jq to get all names from a JSON array", "Time complexity of quicksort worst case and why?",
]

# Tiny logic puzzles: a few premises, one question.
TINY_LOGIC = [
    "All bloops are razzies and all razzies are lazzies. Are all bloops lazzies?",
    "Sally has 3 brothers. Each brother has 2 sisters. How many sisters does Sally have?",
    "A bat and a ball cost $1.10. The bat costs $1 more than the ball. How much is the ball?",
    "Tom is older than Ann, Ann is older than Joe. Who is youngest?", "No fish are birds and some birds swim. Can some swimmers be fish?",
    "If it rains the ground is wet. The ground is wet. Did it rain?", "knight says 'we are both knaves'. what are they?",
    "Three boxes are mislabeled apples, oranges, mixed. You pick one fruit from one box. Which box?",
    "5 machines make 5 widgets in 5 minutes. How long do 100 machines take for 100 widgets?",
    "A lily pad doubles daily and covers the pond on day 48. When is it half covered?",
    "Mary's father has five daughters: Nana, Nene, Nini, Nono. What's the fifth called?",
    "Everyone at the party shook hands once with everyone else, 28 handshakes. How many people?",
    "Amy sits left of Ben, Cal sits right of Ben. Who is in the middle?", "How many socks must I pull from a drawer of 10 black and 10 white to get a pair?",
    "If some doctors are teachers and all teachers are tired, must some doctors be tired?",
    "I'm facing north, turn right twice then left. Which way am I facing?",
    "Every poet is a dreamer and some dreamers are lazy, so are some poets lazy?", "All roses are flowers, some flowers fade fast. So do some roses fade fast?",
    "no reptiles have fur, all snakes are reptiles. so do any snakes have fur?", "Is this valid: all A are B, x is B, so x is A?",
    "How many tennis balls would fit in a car?", "Estimate how many heartbeats a person has in a lifetime.",
    "how many pizzas are eaten in the US per day, roughly", "how many window cleaners work in London? ballpark",
    "How many ping pong balls fit in a swimming pool?", "how many marbles would fit into a bathtub", "How many grains of sand fit in a cup?",
    "how many hairs are on a human head, estimate", "How many M&Ms fit in a shoebox?", "how many books could fit in my living room",
]

# Urgent health or safety in the asker's own words, naming a body part or a symptom, not a medical term.
URGENT_BODY_OWN_WORDS = [
    "my 3yo put a pea in his ear", "tongue feels swollen after eating cashews", "lips swelling up after a bee sting",
    "got bleach in my eye", "my husband's face is drooping on one side", "son hit his head and keeps throwing up",
    "cut my finger deep and it won't stop bleeding", "baby has a fever of 104", "my chest hurts when I breathe in",
    "I can't feel my left arm", "sudden worst headache of my life", "dog ate a whole bar of dark chocolate",
    "burned my hand on the stove, skin is white", "grandpa is confused and his speech is slurred", "toddler swallowed a button battery",
    "my ankle is huge and purple after I fell", "stepped on a rusty nail", "my daughter can't stop coughing and is wheezing",
    "my eye is red and painful and my vision is blurry", "bitten by a stray dog on the hand",
]

# The asker's own health: a symptom or body part about themselves (a diagnosis is asked for).
OWN_HEALTH = [
    "Why does my hip hurt after running?", "I keep getting a rash on my neck, what is it?", "lump under my armpit, should I worry?",
    "my back aches every morning", "Why is my left eye twitching for a week?", "My gums bleed when I floss, is that bad?",
    "I'm always tired even after 9 hours of sleep, why?", "my period is 10 days late and the test is negative",
    "ringing in my ears since the concert yesterday", "my feet go numb at night", "Is it normal that my heart skips beats?",
    "my son's ear hurts after swimming", "I get dizzy when I stand up fast, should I see a doctor?",
]

# Comparing options for the asker's own situation: the answer must weigh it.
COMPARE_FOR_ME = [
    "Roth or traditional IRA for me?", "Lease or buy a car, I drive 25k miles a year?", "Compare term and whole life insurance for my family.",
    "should I do a CS degree or a bootcamp at 30", "Which is better for me, an HSA or an FSA?", "Renting vs buying in my situation, we might move in 3 years",
    "iPhone or Android for my 70 year old dad, which is better?", "Pay off my student loans or invest, which first?",
    "Compare Python and Go for our team's new backend.", "PPO or HMO for a family with a kid who has asthma?",
    "Is it better for me to take the lump sum or the pension?", "Mac or PC for me as a video editing student?",
    "Should we pick the fixed or variable rate mortgage?", "Which suits me better, keto or intermittent fasting? I'm diabetic.",
]

# Personal money advice in a line, no details.
MONEY_ADVICE_TERSE = [
    "should i buy tesla shares", "Is now a good time for me to buy a house?", "where should I park 50k", "Should I cash out my 401k?",
    "Put my bonus in crypto?", "Is it dumb to keep all my savings in cash?", "should i co-sign my brother's car loan",
    "how should I invest my inheritance", "Do I need life insurance?", "Should I open a credit card to build credit?",
]

CONVERSATIONS_LARGE_3 = [
    _chat("hey", "Hi! How can I help?", "quick one, 38 times 47?"),
    _chat("thanks, that recipe was great", "Glad you liked it!", "unrelated but my kid just put a bead in his ear"),
    _chat("What's the capital of Spain?", "Madrid.", "cool. write a python function that checks if a word is a palindrome"),
    _chat("Good evening", "Good evening! What can I do for you?", "Is 323 prime?"),
    _chat("hi", "Hello!", "Roth or traditional for me? I'm 24."),
]

# ---------------------------------------------------------------- small

# A long, friendly preamble before a plain lookup.
CHATTY_LOOKUPS = [
    "Hi! Hope you're having a good day. My nephew asked me something at dinner and I totally blanked, which was embarrassing since I'm the 'smart uncle': what is the largest planet in our solar system?",
    "So I'm putting together a quiz night for my book club and I want one geography question that isn't too hard, everyone is a bit competitive but nobody's an expert. What's the capital of Australia?",
    "Okay, weird question, and I know I could google it, but I'd rather just ask you while I'm making coffee. How many ounces are in a cup?",
    "My daughter's science homework is due tomorrow and we've been at it all evening, she's tired, I'm tired, and we just need this one fact: what gas do plants take in?",
    "Thanks so much for all your help this week, you've honestly been great. One last little thing before I log off: who painted the Mona Lisa?",
    "I was reading an old novel on the train this morning, one of those big Victorian ones my grandmother loved, and it mentioned a 'fortnight'. How long is a fortnight?",
    "Hello again! I'm writing a birthday card for my colleague, who is turning forty and loves astronomy, and I want a small fact in it. How far is the moon from Earth?",
    "We've been arguing in the car for twenty minutes about this and my kids want a referee, so you're it: what's the fastest land animal?",
    "I've been learning Spanish on an app for about three months now, and I'm enjoying it, though the grammar is tricky sometimes. How do you say 'good night' in Spanish?",
    "Long story short, I'm at a pub quiz and we're allowed one phone lifeline, and my team nominated me to ask: what year did the Berlin Wall fall?",
    "Hey there, I'm a retired teacher and I like to keep my mind sharp with trivia every morning with my tea, so here's today's: what's the chemical symbol for gold?",
    "Sorry if this is a basic one, I'm new to cooking and still figuring things out, and the recipe just says 'a pinch': roughly how much is a pinch of salt?",
]

# Explanations asked to be brief or for an audience: ELI5, one sentence, for a child.
ELI5_KINDS = [
    "explain photosynthesis in one sentence to a child", "ELI5: what is a credit score?", "ELI5 inflation pls", "explain gravity like I'm five",
    "In a nutshell, what does the Supreme Court do?", "one sentence for a 7 year old: why is the sky blue?", "explain vaccines to my 6yo in a line",
    "Describe the heart to a kindergartner in a sentence.", "Explain what a computer virus is to my grandma, briefly.",
    "What's machine learning in simple words, one sentence?", "tell my kid what a volcano is, super short", "Explain the stock market to a 10 year old in two sentences.",
    "how would you explain death of a pet to a 4 year old in one gentle sentence", "In plain English, what is a lawsuit? One line.",
    "explain encryption in a few words for a beginner",
]

# Definitions in expert domains: naming or defining a term, nothing applied.
EXPERT_DEFINITIONS = [
    "What is habeas corpus?", "What does CAGR stand for?", "What's a beta blocker?", "Define idempotent.", "What's a CVE?",
    "What is an affidavit?", "What is tachycardia?", "What does 'amortization' mean?", "what is an SQL join",
    "What's a zero-day?", "What is a fiduciary?", "What is an MRI?", "What is a p-value, in one line?", "What's a hedge fund?",
    "What does 'tort' mean in law?", "What is a Roth conversion?", "What is bradycardia?", "What is a load balancer?",
]

# Short rewrites of a pasted paragraph: polish, shorten, fix, translate; the paste is long, the work is not.
_PARA = ("hey so i wanted to let you know the meeting got moved to thursday because half the team is out on wednesday "
         "and also can you bring the printouts from last week, the ones with the budget numbers, thanks a lot")
_PARA2 = ("Our store will be closed on Monday for inventory. We apologize for any inconvenience this may cause. Normal "
          "hours resume on Tuesday at 9 am. Online orders will still be processed as usual during the closure.")
SHORT_REWRITES_OF_PASTE = [
    f"Make this more polite: {_PARA}", f"fix the grammar and capitalization: {_PARA}", f"Shorten to one sentence: \"{_PARA2}\"",
    f"Translate into French: {_PARA2}", f"Rephrase this to sound friendlier:\n\n{_PARA2}", f"make this formal pls - {_PARA}",
    f"Can you proofread this for typos? {_PARA}", f"Rewrite in passive voice: {_PARA2}", f"Put this in title case: \"{_PARA2[:60]}\"",
    f"{_PARA2}\n\nMake that sound a bit warmer.",
]

_PARA3 = ("We regret to inform you that the annual picnic has been cancelled due to the weather forecast. Refunds for "
          "tickets will be issued within five working days. We hope to see you at the autumn fair instead.")
_PARA4 = ("i think the new schedule is ok but the monday shift starts way to early for people who take the bus, "
          "maybe we could start at 9 instead of 8, let me know what you think")
SHORT_REWRITES_MORE = [
    f"Make this sound less harsh: {_PARA3}", f"Proofread: {_PARA4}", f"rewrite this more professionally:\n\n{_PARA4}",
    f"Translate to German please: {_PARA3}", f"{_PARA3}\n\nCan you rephrase that so it sounds more upbeat?",
    f"Shorten this to two sentences: {_PARA3}", f"fix spelling and punctuation - {_PARA4}", f"Simplify the wording: \"{_PARA3}\"",
    f"{_PARA4}\n\nmake it more polite", f"Paraphrase: {_PARA3}",
]

# Terse lookups, lowercase and without punctuation, as the terse large asks are written.
TERSE_LOOKUPS = [
    "why is the sky blue", "capital of peru", "who wrote hamlet", "how many ounces in a pound", "define irony", "spell necessary",
    "tallest mountain in africa", "what year did ww2 end", "boiling point of water in f", "synonym for happy", "why do dogs pant",
    "why do onions make you cry", "how do bees make honey", "translate hello to french", "who invented the telephone",
    "why do cats knead", "how far is the sun", "what do pandas eat", "when is bastille day", "plural of cactus",
]

# Short creative asks about the asker's own life: still one short piece.
SHORT_CREATIVE_PERSONAL = [
    "write a short toast for my sister's wedding", "a one-line caption for my beach photo", "name ideas for my new puppy",
    "Write a short thank-you note to my neighbour for the flowers.", "a haiku about my cat", "short birthday message for my dad",
    "funny one-liner for my coworker's farewell card", "give me a slogan for my bakery",
]

# Mental arithmetic within the rule's limits, tersely.
MENTAL_WITHIN_LIMITS = [
    "12 x 7", "48 + 37", "100 - 64", "9 times 11", "144 / 12", "what's 6 squared", "sqrt of 49", "square root of 196?",
    "11 x 90", "750 - 325?", "what's 8 times 12", "half of 360", "What's 30% of 90?", "72 divided by 8", "999 + 1",
    "twelve times eleven", "How much is 5 x 60?", "what is 400 + 350 + 150", "sqrt 225",
]

# Health, money and code words in a lookup with no personal situation.
LOOKUPS_WITH_HARD_WORDS = [
    "What is the normal resting heart rate?", "How many teeth do adults have?", "Which organ produces bile?", "What's the average human body temperature?",
    "What does APR stand for?", "Who invented the stock exchange?", "What year was Bitcoin created?", "What does RAM stand for?",
    "Who wrote the C programming language book?", "Is JavaScript the same as Java?", "What is the largest bone in the body?",
]

CONVERSATIONS_SMALL_3 = [
    _chat("Write a SQL query for monthly revenue by region.", "SELECT ...", "thanks! what does SQL stand for?"),
    _chat("Is 451 prime?", "No, 451 = 11 × 41.", "cool, what's 7 x 8?"),
    _chat("Roth or traditional for me?", "It depends on your tax bracket now and later ...", "got it. what does IRA stand for?"),
    _chat("hi", "Hello!", "explain black holes to a kid in one sentence"),
    _chat("My tongue is swelling after cashews", "Please call emergency services now ...", "ok paramedics are here, thanks. how do you spell 'anaphylaxis'?"),
]

GROUPS = {
    "large": ("TERSE_ARITHMETIC", "SHORT_NUMBER_THEORY", "ONE_LINE_CODE", "TINY_LOGIC", "URGENT_BODY_OWN_WORDS", "OWN_HEALTH",
              "COMPARE_FOR_ME", "MONEY_ADVICE_TERSE", "CONVERSATIONS_LARGE_3"),
    "small": ("CHATTY_LOOKUPS", "ELI5_KINDS", "EXPERT_DEFINITIONS", "SHORT_REWRITES_OF_PASTE", "SHORT_REWRITES_MORE",
              "TERSE_LOOKUPS", "SHORT_CREATIVE_PERSONAL", "MENTAL_WITHIN_LIMITS",
              "LOOKUPS_WITH_HARD_WORDS", "CONVERSATIONS_SMALL_3"),
}
