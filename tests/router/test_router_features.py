"""Feature extraction: each family of markers fires on the text it is meant for, and not on plain chat."""

from router.features import FEATURE_NAMES, arithmetic_difficulty, extract_features, requested_output_words


def features_of(text: str, earlier: list[dict] | None = None) -> dict[str, float]:
    return extract_features([*(earlier or []), {"role": "user", "content": text}])


def test_code_markers_fire_on_code_and_stay_quiet_on_chat():
    code = features_of("Fix this bug:\n```python\ndef add(a, b):\n    return a - b\n```")
    chat = features_of("Hello, how are you today?")
    assert code["code_syntax"] >= 2
    assert code["code_words"] >= 1
    assert chat["code_syntax"] == 0 and chat["code_words"] == 0 and chat["code_request"] == 0
    assert features_of("Write a Rust function that merges two sorted vectors.")["code_request"] >= 1


def test_math_markers_fire_on_math():
    math = features_of("Solve x**2 - 5*x + 6 = 0 and find the derivative of x^3.")
    assert math["math_words"] >= 2
    assert math["math_symbols"] >= 2
    assert features_of("What's the capital of Peru?")["math_symbols"] == 0


def test_arithmetic_difficulty_separates_mental_math_from_long_multiplication():
    assert arithmetic_difficulty("What is 7 times 8?") == (1, 1)
    assert arithmetic_difficulty("What is 697 times 205?")[0] == 5
    assert arithmetic_difficulty("compute the sum of 9986 and 9769")[0] == 4
    assert arithmetic_difficulty("no numbers here") == (0, 0)


def test_domain_terms_are_counted_per_domain():
    legal = features_of("Is this non-compete clause in my employment contract enforceable, and what is my liability?")
    medical = features_of("The patient has chest pain; what is the differential diagnosis and treatment?")
    security = features_of("Explain how an SSRF attack works and how to prevent this vulnerability.")
    assert legal["domain_legal"] >= 2 and legal["domain_medical"] == 0
    assert medical["domain_medical"] >= 2
    assert security["domain_security"] >= 2


def test_requested_output_length_and_format():
    assert requested_output_words("Write a 1,500-word essay") == 1500
    assert requested_output_words("Give me 3 pages") > requested_output_words("Give me 3 sentences")
    long_ask = features_of("Write a detailed 2000-word report with a summary table in markdown.")
    assert long_ask["long_output"] >= 2 and long_ask["format_request"] >= 2 and long_ask["log_requested_words"] > 7
    assert features_of("Answer in one word: is the sky blue?")["short_output"] >= 1


def test_conversation_depth_counts_user_turns_and_context():
    earlier = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "I have a question about taxes."},
        {"role": "assistant", "content": "Sure."},
    ]
    deep = features_of("What is the standard deduction?", earlier)
    single = features_of("What is the standard deduction?")
    assert deep["conversation_turns"] == 3 and single["conversation_turns"] == 1
    assert deep["has_system_prompt"] == 1 and single["has_system_prompt"] == 0
    assert deep["log_context_chars"] > 0 == single["log_context_chars"]


def test_features_read_the_last_user_turn_and_accept_content_parts():
    messages = [
        {"role": "user", "content": "Write a Python class for a bank account."},
        {"role": "assistant", "content": "class Account: ..."},
        {"role": "user", "content": [{"type": "text", "text": "thanks!"}]},
    ]
    features = extract_features(messages)
    assert features["code_request"] == 0 and features["greeting"] >= 1
    assert list(features) == FEATURE_NAMES


def test_arithmetic_beyond_mental_follows_the_labelling_rule():
    from router.features import arithmetic_beyond_mental

    assert arithmetic_beyond_mental("What's 47 times 86?") == 1  # both factors above 12
    assert arithmetic_beyond_mental("Multiply 23 by 41.") == 1
    assert arithmetic_beyond_mental("What's 7 times 86?") == 0  # a times table
    assert arithmetic_beyond_mental("What is 340 + 275?") == 0
    assert arithmetic_beyond_mental("What is 4,785 + 2,968?") == 1
    assert arithmetic_beyond_mental("What's 144 / 12?") == 0 and arithmetic_beyond_mental("936 / 18") == 1


def test_borderline_markers_fire_on_their_kinds_only():
    urgent = features_of("My toddler swallowed a button battery, what do I do?")
    money = features_of("Should I put my savings in bitcoin?")
    brief = features_of("Explain photosynthesis in one sentence to a child.")
    plain = features_of("What is the capital of Peru?")
    assert urgent["urgent_risk"] >= 1 and plain["urgent_risk"] == 0
    assert money["money_decision"] >= 1 and money["personal_decision"] >= 1 and plain["money_decision"] == 0
    assert brief["brief_for_audience"] >= 1 and plain["brief_for_audience"] == 0


def test_number_words_powers_and_percentages_follow_the_arithmetic_rule():
    from router.features import arithmetic_beyond_mental, with_digits

    assert with_digits("what's forty-six times fifty-three") == "what's 46 times 53"
    assert arithmetic_beyond_mental("what's forty-six times fifty-three") == 1
    assert arithmetic_beyond_mental("eight times seven") == 0
    assert arithmetic_beyond_mental("What's 33 squared?") == 1 and arithmetic_beyond_mental("12 squared") == 0
    assert arithmetic_beyond_mental("2^19?") == 1 and arithmetic_beyond_mental("2^8") == 0
    assert arithmetic_beyond_mental("What's 3 to the power of 9?") == 1
    assert arithmetic_beyond_mental("What is 18% of 3,450?") == 1
    assert arithmetic_beyond_mental("What's 25% of 80?") == 0 and arithmetic_beyond_mental("10 percent of 350") == 0
    assert arithmetic_beyond_mental("sqrt of 7,569?") == 1 and arithmetic_beyond_mental("square root of 81") == 0


def test_lexicons_tolerate_one_typo_in_long_words_only():
    from router.features import Lexicon

    lexicon = Lexicon(("swallowed", "medication", "prime"))
    assert lexicon.count("my son swalowed a coin", "my son swalowed a coin".split()) == 1  # a letter missing
    assert lexicon.count("", ["medicaiton"]) == 1  # two letters swapped in a long word
    assert lexicon.count("", ["price"]) == 0  # short words match exactly
    assert lexicon.count("", ["swallowed"]) == 1 and lexicon.count("", ["followed"]) == 0


def test_personal_situation_separates_urgent_cases_and_advice_from_lookups():
    urgent = features_of("dauhgter swalowed a magnet help")
    lookup = features_of("What is anaphylaxis?")
    assert urgent["personal_urgent"] >= 1 and lookup["personal_urgent"] == 0
    assert features_of("thinking about ending it")["self_harm"] >= 1
    advice = features_of("should i go all in on apple stock")
    definition = features_of("what's an ETF")
    assert advice["money_advice"] >= 1 and definition["money_advice"] == 0
    assert definition["definition_ask"] == 1 and advice["definition_ask"] == 0
    assert features_of("What does ROI stand for?")["definition_ask"] == 1


def test_a_trivial_ask_about_a_pasted_text_is_seen_apart_from_the_text():
    paste = "The office will be closed on Friday for cleaning. " * 20
    quoted = features_of(f'Here is a notice: "{paste}" What is the first word?')
    fenced = features_of(f"{paste}\n\nWhich day is the office closed?")
    assert quoted["trivial_ask"] >= 1 and fenced["trivial_ask"] >= 1
    assert quoted["log_instruction_words"] < quoted["log_words"] - 2
    assert fenced["log_instruction_words"] < fenced["log_words"] - 2


def test_brevity_for_an_audience_is_recognised_in_many_wordings():
    for text in ("eli5 how wifi works", "explain recursion to a 10 year old", "Explain DNA in under 20 words.",
                 "explain the internet to my grandma in a sentence", "dumb it down: what is an API?"):
        assert features_of(text)["brief_for_audience"] >= 1, text
    assert features_of("Explain how TLS works step by step.")["brief_for_audience"] == 0


def test_rule_criteria_of_the_independent_set_fire_on_their_kinds_only():
    # calculus and probability stay hard however briefly they are asked for; a plain number question does not
    assert features_of("In one sentence, what is the derivative of x^x?")["hard_math"] >= 1
    assert features_of("In one sentence, what is a noun?")["hard_math"] == 0
    # date arithmetic needs a date or a count of days, not just the word "day"
    assert features_of("What day of the week was 14 July 1789?")["date_reasoning"] >= 1
    assert features_of("how many days between March 3 and Nov 17?")["date_reasoning"] >= 1
    assert features_of("What day is it today?")["date_reasoning"] == 0
    # a sequence of turns is state tracking; one compass word is not
    assert features_of("I face west, turn left, then right again, then turn around. Where do I face?")["state_tracking"] >= 3
    assert features_of("Which way is north on a map?")["state_tracking"] <= 1
    # an expert domain asked to draft/compare/recommend, not to define
    assert features_of("My employer kept my final paycheck. Draft a complaint citing the statute.")["expert_task"] >= 1
    assert features_of("What is a statute?")["expert_task"] == 0


def test_typographic_operators_and_ranked_lists_are_read():
    assert features_of("What is 4,005 − 1,788?")["arithmetic_beyond_mental"] == 1
    assert features_of("What is 405 − 178?")["mental_arithmetic_only"] == 1
    assert requested_output_words("A table of the 25 biggest lakes") == 25 * 30
    assert requested_output_words("Twelve-chapter outline for a thriller") > requested_output_words("a chapter title")


def test_the_final_ask_of_a_chatty_request_is_read_apart_from_the_chat():
    chatty = features_of("So my son and I argued about this over dinner and we have a no-phones rule at the table, "
                         "which I recommend, so I'm asking you now: what is the capital of Canada?")
    assert chatty["final_ask_lookup"] == 1 and chatty["log_final_ask_words"] < chatty["log_words"]
    hard = features_of("We argued about this at dinner. What is the probability of two sixes in a row?")
    assert hard["final_ask_lookup"] == 0
    assert features_of("Sort from smallest to largest: 0.3, 0.03, 0.33")["number_ordering"] == 1


# ---------------------------------------------------------------- round 3: the rule's borderline criteria as kinds


def test_roots_of_squares_known_by_heart_are_mental_and_others_are_not():
    from router.features import arithmetic_beyond_mental, root_beyond_mental

    assert not root_beyond_mental(169) and not root_beyond_mental(225) and not root_beyond_mental(2500)
    assert root_beyond_mental(289) and root_beyond_mental(7569) and root_beyond_mental(200)
    assert arithmetic_beyond_mental("square root of 196?") == 0 and arithmetic_beyond_mental("sqrt of 7,569?") == 1
    # two-digit by two-digit is past the times tables however tersely asked
    assert arithmetic_beyond_mental("14*16") == 1 and arithmetic_beyond_mental("12 x 7") == 0


def test_number_theory_fires_past_the_times_tables_and_not_on_place_value():
    assert features_of("Is 529 prime?")["number_theory_hard"] >= 1
    assert features_of("How many trailing zeros does 30! have?")["number_theory_hard"] >= 1
    assert features_of("sum of the first 50 odd numbers")["number_theory_hard"] >= 1
    assert features_of("Is 7 prime?")["number_theory_hard"] == 0
    assert features_of("What is the tens digit of 4,382?")["number_theory_hard"] == 0


def test_one_line_code_requests_are_code_tasks_and_code_trivia_is_not():
    for text in ("regex for a US zip code", "Merge two sorted arrays in Java.", "python one-liner to flatten a list of lists",
                 "What does this print? print([i*i for i in range(6) if i % 2])", "Fix: TypeError: 'NoneType' object is not subscriptable"):
        assert features_of(text)["code_task"] >= 1, text
    for text in ("How do I print a line in Go?", "What is the command to list files in Linux?", "Is Python case-sensitive?"):
        assert features_of(text)["code_task"] == 0, text


def test_tiny_logic_puzzles_and_word_problems_are_recognised():
    assert features_of("All cats are mammals and some mammals swim, so do some cats swim?")["logic_puzzle"] >= 1
    assert features_of("Tom is older than Ann, Ann is older than Joe. Who is youngest?")["logic_puzzle"] >= 1
    assert features_of("How many legs does a spider have?")["logic_puzzle"] == 0
    steps = features_of("I have 3 apples, eat one, buy 6 more, then give half away. How many are left?")["word_problem_steps"]
    assert steps > features_of("If I have 3 apples and eat one, how many are left?")["word_problem_steps"]
    assert features_of("If x = 7, what is 3x + 2?")["variable_defined"] == 1
    assert features_of("What is x in algebra?")["variable_defined"] == 0


def test_own_symptoms_are_personal_health_and_body_facts_are_not():
    for text in ("kid stuck a bean up his nose", "Why does my hip hurt after running?", "chest tight and my left arm is numb"):
        assert features_of(text)["personal_health"] >= 1, text
    assert features_of("How many bones are in the human body?")["personal_health"] == 0
    assert features_of("What is a migraine?")["personal_health"] == 0  # a definition, even with a symptom word


def test_comparing_options_for_ones_own_situation_is_told_from_a_plain_choice():
    assert features_of("Roth or traditional IRA for me?")["compare_personal"] >= 1
    assert features_of("compare renting vs buying for my situation")["compare_personal"] >= 1
    assert features_of("What's the difference between a crocodile and an alligator?")["compare_personal"] == 0
    assert features_of("Is it 'affect' or 'effect' here?")["compare_personal"] == 0
    timing = features_of("is now a good time to buy a house")
    assert timing["advice_cue"] >= 1 and timing["money_advice"] >= 1


def test_a_short_rewrite_of_a_paste_is_small_evidence_but_not_a_sized_or_code_task():
    paragraph = "Our store will be closed on Monday for inventory. Normal hours resume on Tuesday at 9 am. " * 2
    for text in (f"Make this more polite: {paragraph}", f"Translate into French: {paragraph}", f"{paragraph}\n\nMake that sound warmer.",
                 "fix the grammar pls: me and him goes to the store yesterday"):
        assert features_of(text)["rewrite_of_paste"] == 1, text
    for text in ("Make it a 2,000 word essay: climate change", "fix this: def f(x): return x+", "Make a plan for my wedding: 150 guests",
                 "Translate using the examples: English: a tall cat Other: zexa josugi", f"Rewrite this: {paragraph * 10}"):
        assert features_of(text)["rewrite_of_paste"] == 0, text


def test_an_audience_named_in_other_words_counts_as_brevity():
    assert features_of("Explain what a computer virus is to my grandma, briefly.")["brief_for_audience"] >= 1
    assert features_of("explain encryption to a non-programmer")["brief_for_audience"] >= 1
    assert features_of("Explain encryption in detail.")["brief_for_audience"] == 0


def test_a_transcript_pasted_into_one_message_is_read_as_a_conversation():
    from router.features import split_inline_transcript

    text = "User: can you plan a 2-week trip to Peru with a full budget? Assistant: (long itinerary...) User: amazing, thank you!!"
    before, last = split_inline_transcript(text)
    assert last == "amazing, thank you!!" and "Peru" in before
    pasted = features_of(text)
    assert pasted["long_output"] == 0 and pasted["conversation_turns"] >= 2 and pasted["log_context_chars"] > 0
    assert split_inline_transcript("Note: buy milk. Reminder: call mom") == ("", "Note: buy milk. Reminder: call mom")
