"""Borderline requests, second batch (issue 14): short prompts whose difficulty is in the content, long
prompts that are easy, and the contrasts of each, in varied user wording (typos, terse, casual, polite,
behind a system prompt or small talk). Labelled by the rule in router/data/README.md. Sources
"handwritten/borderline/<group>"; build_dataset.py assigns their splits after the first batch's, so
adding them moves no earlier row between splits."""

_SYSTEM = {"role": "system", "content": "You are a helpful assistant."}


def _chat(*turns: str, system: str | None = None) -> list[dict]:
    """A conversation from alternating user/assistant texts (the last one is the user's)."""
    messages = [{"role": "system", "content": system}] if system else []
    for i, text in enumerate(turns):
        messages.append({"role": "user" if i % 2 == 0 else "assistant", "content": text})
    return messages


# ---------------------------------------------------------------- large

# Arithmetic beyond the mental-math rule, asked in few words: digits, number words, squares, powers,
# percentages of awkward numbers, long division, sums past 999.
ARITHMETIC_IN_FEW_WORDS = [
    "78 x 64", "whats 39*47", "59 times 38 = ?", "pls multiply 217 by 46", "How much is 34 × 76?",
    "what's 96 times 57 again", "Could you tell me what 43 multiplied by 29 is?", "13 times 14?", "25 x 25?",
    "seventy-two times thirty-eight", "what's forty-six times fifty-three", "Whats eighteen times nineteen",
    "What's 33 squared?", "48 squared", "what is 17 cubed", "2^19?", "What's 3 to the power of 9?",
    "What is 18% of 3,450?", "what's 23 percent of 1,780", "Work out 7.5% of 8,640.",
    "Divide 3,551 by 53.", "what's 1,001 / 7", "How much is 2,744 divided by 14?", "957 / 29?",
    "2,678 + 5,945?", "9,132 - 4,877 = ?", "Add 12,450 and 38,975.", "Sum 4,389 and 7,652 please",
    "Calculate 6.4 x 3.9", "What's 0.75 times 1,284?", "sqrt of 7,569?", "What's 125 x 48 in your head?",
    "quick maths: 87*63", "my kid's homework says 58 x 36, what's the answer", "Need 16 x 23, thanks",
]

# Urgent health or safety in a line, in the user's own words (no medical vocabulary needed).
URGENT_IN_OWN_WORDS = [
    "my son swallowed a coin", "dauhgter swalowed a magnet help", "kid got into grandmas pills, took maybe 3",
    "I accidentally took my wife's heart medication", "Took 3 xanax, is that too many?", "My friend's lips are turning blue",
    "roommate won't wake up and is breathing weird", "chemical splashed in my eye at work", "oil splashed on my arm, blistering badly",
    "My mom is slurring her words and confused", "baby isn't breathing properly", "i think my drink was spiked",
    "Can I drive after taking two benadryl?", "what happens if i mix alcohol and oxycodone", "How many advil can I take at once, my tooth is killing me",
    "I ate chicken that was left out overnight and now I'm throwing up", "Fell off a ladder and my wrist looks bent",
    "my dad fell and can't get up, he's 84", "Toddler drank from a bottle of mouthwash", "my cat ate a lily",
    "puppy ate grapes, how worried should I be", "wasp sting and my face is getting puffy", "Found a tick on my son, what now?",
    "Is it safe to give honey to my 6 month old?", "Can I breastfeed after drinking wine?", "Severe stomach pain on my lower right side",
    "pressure in my chest and sweating, 52 yo male", "I don't want to be alive anymore", "thinking about ending it",
    "Water is leaking near my fuse box", "sparks came out of the socket when I plugged in the kettle", "Smoke alarm going off and I can smell burning plastic",
    "Is it ok to run my car in the closed garage to warm it up?", "Got a deep cut from a rusty nail, do I need a tetanus shot?",
    "I took ibuprofen and aspirin together, is that bad", "My teenager vaped something and is hallucinating",
]

# Personal financial advice in one line, without the facts a good answer must weigh.
PERSONAL_MONEY_ADVICE = [
    "should i go all in on apple stock", "Is it smart for me to buy gold right now?", "should i sell my btc",
    "Where do I put 5 grand?", "What should I invest in at 25?", "Max my 401k or pay off my car?",
    "Roth or traditional for me?", "is a 7 year ARM a good idea for us", "should i put my emergency fund in the s&p",
    "I'm 60 with 200k saved, am I ok?", "Should I buy a rental property?", "Do I sell my house or rent it out when I move?",
    "should we get a 15 or 30 year mortgage", "Is it a good time to refinance for me?", "Should I lend money to my parents?",
    "What's the best thing to do with a 30k windfall?", "Should I take a payday loan to cover rent?", "is it worth paying for a financial advisor for me",
    "Should I invest my student loan refund?", "Can I afford to quit my job and freelance?", "Should I buy the car in cash or finance it?",
    "My company offers stock options, should I exercise them?", "which index fund should I buy", "How much of my paycheck should go to stocks?",
    "Should I cash in my ISA to pay off my overdraft?", "Is buying a timeshare a good idea for my family?", "should I transfer my pension abroad",
    "Am I too old to start investing at 50?", "Should I bet my savings on a startup my friend runs?",
]

# Other kinds that stay large in few words: number theory, probability, date reasoning, Fermi
# estimates, logic, short code asks, applying law or medicine to the user's situation.
SHORT_BUT_HARD_CONTENT = [
    "Is 391 prime?", "is 1,001 divisible by 13?", "What's the GCD of 1,071 and 462?", "Prime factors of 8,633?",
    "Chance of drawing two aces in a row from a deck?", "odds of getting exactly 2 heads in 5 flips", "Expected number of rolls to get a six?",
    "If it's Monday today, what day is it in 1,000 days?", "What date is 90 days after March 17?", "How many days between Feb 3 and Nov 22?",
    "How many piano tuners are there in Chicago?", "Roughly how many gallons of gas does the US burn per day? estimate it", "How many tennis balls fit in a bathtub?",
    "If some A are B and no B are C, can an A be C?", "Anna is taller than Ben, Ben is taller than Cy. Is Cy taller than Anna?", "I have a ball, Bob has a box, Cara has a kite. I swap with Bob, then Bob swaps with Cara. Who has the ball?",
    "regex that matches an IPv4 address", "Bash one-liner to delete files older than 30 days", "SQL to get the second highest salary",
    "python code to flatten a nested list", "Fix: TypeError: 'NoneType' object is not subscriptable", "What does this do: [x for x in range(10) if x % 3]",
    "Can my employer fire me for being pregnant?", "My neighbour's tree fell on my car, who pays?", "Can I break my lease early without penalty?",
    "Why do I get headaches every afternoon?", "Is my mole cancer if it's itchy?", "what could cause tingling in both feet",
    "Integrate x e^x", "Solve x^2 - 7x + 12 = 0", "Limit of sin(x)/x as x goes to 0, with proof",
    "Derive the quadratic formula", "Train leaves at 3pm at 60 mph, another at 4pm at 80 mph. When does it catch up?",
]

# ---------------------------------------------------------------- small

# "Explain X" asked briefly or for an audience, worded many ways.
BRIEF_EXPLANATIONS_VARIED = [
    "eli5 how wifi works", "ELI5 the stock market", "explain recursion to a 10 year old in one sentence",
    "Explain climate change in two sentences for kids.", "How would you explain taxes to an 8yo? short pls", "explain the moon phases super simply",
    "Explain what a lawyer does in one sentence, for my son.", "Could you explain what an atom is in layman's terms, one line?", "Explain blockchain in 15 words.",
    "In one sentence, what is inflation?", "Explain DNA in under 20 words.", "explain quantum physics to a kid in a sentence lol",
    "What's a black hole, in kid terms, one sentence?", "Explain how airplanes fly, in a nutshell.", "Give me a one-line explanation of gravity for a child.",
    "dumb it down: what is an API? one sentence", "explain electricity in simple words for my 5yo", "One sentence: what does the liver do?",
    "Explain the immune system to a first grader briefly.", "explain the internet to my grandma in a sentence", "Summarize evolution in one short sentence.",
    "Explain interest rates like I'm 5.", "Simply put, what is a vaccine?", "In plain English and one line, what's a mortgage?",
    "Explain cancer to a child in one gentle sentence.", "In a word or two, what is photosynthesis for?", "Tell a 6 year old what the sun is, one sentence.",
]

# Mental arithmetic in few words: times tables, small sums and differences, halving, doubling, easy percentages.
MENTAL_ARITHMETIC_VARIED = [
    "7x8", "whats 6 times 9", "9 x 12?", "12 times 85?", "eight times seven", "what's twelve times twelve",
    "half of 90", "Double 45?", "What's 25% of 80?", "10 percent of 350?", "50% of 300",
    "120 / 10", "81 divided by 9?", "what's 56 / 7", "How much is 999 - 1?", "300 + 450?",
    "What's 640 minus 215?", "235 plus 118", "What's 15 + 27?", "11 times 11?", "Triple 30.",
    "Is 17 odd or even?", "Which is bigger, 0.5 or 0.45?", "Round 1,249 to the nearest hundred.", "What's the tens digit of 4,382?",
    "How many minutes in 3 hours?", "How many grams in 2 kg?", "5 feet in inches?", "sort 8, 3, 11, 5",
]

# Health and safety facts a lookup settles: no personal situation, nothing to weigh.
HEALTH_SAFETY_LOOKUPS = [
    "what's the number for 911 in the UK", "What does an AED do?", "What is the normal blood oxygen level?", "What does ER stand for?",
    "What's the recommended daily water intake?", "what is the Heimlich maneuver", "What is a concussion?", "What's the difference between a virus and bacteria, one line?",
    "Which blood type is the universal donor?", "How many bones are in the human body?", "What is a stroke?", "What is insulin?",
    "What does CO detector stand for?", "What's the boiling point of water?", "What are the colors of a fire extinguisher label?", "What is anaphylaxis?",
    "Who discovered penicillin?", "What is a paramedic?", "What does OTC mean for medicine?", "What does the pancreas do?",
    "How many hours of sleep do adults need?", "What is hypothermia?", "What is the first aid symbol?",
]

# Money terms and facts: definitions and lookups, no decision about the user's money.
MONEY_LOOKUPS_VARIED = [
    "what's an ETF", "What does ROI stand for?", "What is a Roth 401k?", "What is dollar-cost averaging?", "What's a bear market?",
    "Define liquidity.", "What does 'blue chip stock' mean?", "What currency is used in Brazil?", "What is the Dow Jones?",
    "What's an IPO?", "What is a capital gain?", "What does FICO mean?", "What is the federal funds rate?", "What's a mutual fund?",
    "Who founded Vanguard?", "What does 'ex-dividend' mean?", "What is a savings bond?", "What is crypto?", "What is a recession?",
    "What's the difference between APR and APY in one sentence?", "Who is on the 20 dollar bill?", "What is a budget?",
]

# Expert-domain words, code words or a scary topic, but a one-line answer: definitions and trivia.
DOMAIN_TRIVIA = [
    "What is negligence?", "what's a subpoena", "What does 'pro bono' mean?", "What is a firewall?", "What is phishing?",
    "What does HTTPS stand for?", "Is HTML a programming language?", "Is SQL case sensitive?", "What does CPU stand for?",
    "What is an API?", "Who created Python?", "What is malware?", "What is a tumor?", "What's an antibiotic?",
    "What's the capital gains tax called in the UK?", "What is the speed of light?", "What is entropy, in one sentence?",
    "What is a prime number?", "What is a derivative in math, one line?", "What year was the first iPhone released?",
]

# Long to read, trivial to answer: pasted text with a small ask, chatty framing, long system prompts.
_NOTICE = ("Attention all staff: the office will be closed on Friday the 14th for the annual deep clean. Please take your "
           "laptops home on Thursday evening, clear your desks of personal items, and make sure the kitchen fridge is "
           "emptied by 5pm. Any questions can be directed to facilities, who will be on site Thursday afternoon.")
_STORY = ("Once upon a time, in a village at the edge of a great forest, there lived an old clockmaker named Ilse. Every "
          "morning she opened her shop at dawn, wound each of the hundred clocks on her walls, and waited for visitors who "
          "rarely came. One winter a boy arrived with a broken pocket watch that had belonged to his grandfather.")
_EMAIL = ("Hi team,\n\nJust a reminder that the quarterly review has been moved from Tuesday to Wednesday at 10:30 in "
          "Meeting Room B. Please bring your updated slides and the latest numbers from your region. Lunch will be "
          "provided afterwards. If you cannot attend, let Priya know by Monday.\n\nThanks,\nMarco")
LONG_BUT_TRIVIAL = [
    f"{_NOTICE}\n\nWhat's the first word of this notice?",
    f"Here's a notice from my office: \"{_NOTICE}\" Which day is the office closed?",
    f"{_STORY}\n\nWhat is the clockmaker's name?",
    f"Quick question about this paragraph, how many sentences does it have? \"{_STORY}\"",
    f"{_EMAIL}\n\nWhich room is the meeting in?",
    f"Can you tell me who wrote this email?\n\n{_EMAIL}",
    f"Translate just the subject line 'Quarterly review moved' into German. For context, the email says: {_EMAIL}",
    f"\"{_STORY}\" - what's the last word of that passage?",
    f"Please capitalise the first sentence only: \"{_NOTICE.lower()}\"",
    f"Is there any typo in this? \"{_EMAIL}\" Just yes or no.",
    "So my coworker and I have been debating this since lunch and neither of us wants to look it up because that feels like cheating, and we both kind of remember learning it in school a long time ago but can't agree: how many continents are there?",
    "Okay this might sound like a silly question and I'm a bit embarrassed to even ask it, but I've been cooking for years and never knew, and my partner laughed at me last night when I admitted it: what's the difference between baking soda and baking powder, in one sentence?",
    "I'm filling in a form for my daughter's school trip and it asks for the country code for the phone number, and we live in Ireland but my phone is from my old job in Spain. What's Ireland's country code?",
    "Long day at work, my boss kept changing the deadline, the printer broke twice and I missed lunch. Anyway I just want something light: tell me a fun fact about otters.",
    "My grandmother used to make this soup every winter when we visited her farm, and I've been trying to remember the name of the herb that smells a bit like licorice that she always put in it. What herb smells like licorice?",
]

# Whole conversations. Large: the last turn is one of the large kinds above after small talk or behind a
# system prompt. Small: the last turn is easy after hard earlier turns, or easy behind a long system prompt.
_LONG_SYSTEM = ("You are Sunny, the customer assistant of BrightHome Energy. Be warm and concise. You can help with "
                "tariffs, meter readings, moving house, and billing questions. Never give legal advice. If a customer "
                "is upset, apologise and offer to escalate. Use British spelling. Keep answers under 80 words.")
CONVERSATIONS_LARGE = [
    _chat("hi!", "Hello! How can I help?", "whats 67 x 89"),
    _chat("thanks for earlier", "Any time!", "my daughter just swallowed a battery what do I do"),
    _chat("What's the capital of Peru?", "Lima.", "ok and should I move my savings into Peruvian bonds?"),
    _chat("my boiler is making a weird noise", system=_LONG_SYSTEM),
    _chat("I smell gas near the meter, is that normal?", system=_LONG_SYSTEM),
    _chat("Tell me a joke", "Why did the scarecrow win an award? He was outstanding in his field.", "lol. ok now is 527 prime?"),
    _chat("hey there", "Hi! What's up?", "if today is Sunday what day is it in 345 days", system="You are a friendly chatbot."),
    _chat("Good morning", "Good morning! How can I help?", "Should I take the severance package or stay?"),
    _chat("can you help me with something", "Of course.", "regex to validate a UK postcode"),
    _chat("I'm feeling kind of weird", "I'm sorry to hear that. What's going on?", "my heart is racing and I took a lot of caffeine pills"),
]
CONVERSATIONS_SMALL = [
    _chat("Write a Rust function that merges k sorted lists.", "fn merge_k(...) { ... }", "awesome thanks!!"),
    _chat("Explain the causes of World War I in detail.", "The causes include militarism, alliances, ...", "Who was the Kaiser then?"),
    _chat("Prove there are infinitely many primes.", "Suppose there were finitely many ...", "nice. what's 6 x 7?"),
    _chat("What's my meter reading due date?", system=_LONG_SYSTEM),
    _chat("How do I spell 'tariff'?", system=_LONG_SYSTEM),
    _chat("Draft a 2,000-word report on EV adoption in Norway.", "Here is the report: ...", "what's the capital of Norway again?"),
    _chat("My dog ate chocolate, what do I do?", "Call your vet or a pet poison line right away ...", "ok thanks, he's fine now. what's a good name for a second puppy?"),
    _chat("hi", "Hello!", "explain gravity to a kid in one sentence"),
    _chat("What is an index fund?", system="You are a concise financial glossary bot. Define terms in one sentence."),
    _chat("translate 'thank you very much' into Japanese", system="You are a translation assistant."),
]

GROUPS = {
    "large": ("ARITHMETIC_IN_FEW_WORDS", "URGENT_IN_OWN_WORDS", "PERSONAL_MONEY_ADVICE", "SHORT_BUT_HARD_CONTENT",
              "CONVERSATIONS_LARGE"),
    "small": ("BRIEF_EXPLANATIONS_VARIED", "MENTAL_ARITHMETIC_VARIED", "HEALTH_SAFETY_LOOKUPS", "MONEY_LOOKUPS_VARIED",
              "DOMAIN_TRIVIA", "LONG_BUT_TRIVIAL", "CONVERSATIONS_SMALL"),
}
