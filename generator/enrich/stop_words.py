"""Every list of words a stage leaves out, side by side.

They differ on purpose, each for its stage:

- ENGLISH_STOP_WORDS: scikit-learn's English list, for related papers and
  for telling prose from a wrapped link;
- RELATED_STOP_WORDS: that list plus the words every abstract in the field
  uses, for the related-paper text scores;
- PHRASE_STOP_WORDS: function words and the boilerplate of abstracts, which
  a suggested phrase may hold inside but never start or end with (shorter
  than the English list: "system" and "first" make good phrases);
- GENERIC_NAMES: acronyms that look like method names yet name no paper,
  for mentions (case matters there: "MoE", not "moe").
"""

from __future__ import annotations

# scikit-learn's ENGLISH_STOP_WORDS, copied. scikit-learn takes the list from
# the Glasgow Information Retrieval Group
# (http://ir.dcs.gla.ac.uk/resources/linguistic_utils/stop_words); its copy is
# BSD-3-Clause, (c) the scikit-learn developers. Importing scikit-learn for it
# took 0.6 s of every `digest generate`. A test checks the copy against
# scikit-learn's.
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along
    already also although always am among amongst amoungst amount an and another any
    anyhow anyone anything anyway anywhere are around as at back be became because
    become becomes becoming been before beforehand behind being below beside besides
    between beyond bill both bottom but by call can cannot cant co con could couldnt
    cry de describe detail do done down due during each eg eight either eleven else
    elsewhere empty enough etc even ever every everyone everything everywhere except
    few fifteen fifty fill find fire first five for former formerly forty found four
    from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however
    hundred i ie if in inc indeed interest into is it its itself keep last latter
    latterly least less ltd made many may me meanwhile might mill mine more moreover
    most mostly move much must my myself name namely neither never nevertheless next
    nine no nobody none noone nor not nothing now nowhere of off often on once one
    only onto or other others otherwise our ours ourselves out over own part per
    perhaps please put rather re same see seem seemed seeming seems serious several
    she should show side since sincere six sixty so some somehow someone something
    sometime sometimes somewhere still such system take ten than that the their them
    themselves then thence there thereafter thereby therefore therein thereupon
    these they thick thin third this those though three through throughout thru thus
    to together too top toward towards twelve twenty two un under until up upon us
    very via was we well were what whatever when whence whenever where whereafter
    whereas whereby wherein whereupon wherever whether which while whither who
    whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
    """.split()
)

# Words every abstract in the field uses: idf shrinks them, but across two
# hundred words they would still lend every pair of papers a little likeness.
RELATED_STOP_WORDS = ENGLISH_STOP_WORDS | {
    "approach", "based", "demonstrate", "existing", "furthermore", "method",
    "methods", "novel", "paper", "propose", "proposed", "results", "show",
    "shows", "using", "work",
}  # fmt: skip

# Function words and the boilerplate of abstracts: a suggested phrase may hold
# them inside ("mixture of experts") but never start or end with one.
PHRASE_STOP_WORDS = frozenset(
    """
    a about above across after again against all almost also although always am among an and any
    are around as at be because been before being below between both but by can cannot could did
    do does doing done down during each either else even ever every few for from further had has
    have having he her here hers him his how however i if in into is it its itself just least less
    let like made make makes making many may me might more most much must my neither no nor not of
    off often on once one only onto or other others otherwise our ours out over own per quite
    rather same several she should since so some such than that the their theirs them then there
    these they this those though through thus to too under until up upon us use used uses using via
    was we well were what when where whether which while who whom whose why will with within
    without would yet you your
    paper propose proposes proposed present presents presented introduce introduces introduced
    show shows shown demonstrate demonstrates achieve achieves achieved achieving result results
    approach approaches method methods novel new work works study existing based towards toward
    significantly significant respectively e.g i.e et al state-of-the-art up-to
    """.split()
)

# Generic terms that look like method names yet name no single paper; a title
# starting with one ("LLM: ...", "MoE: ...") must not make every abstract that
# uses the word mention it. Names shorter than three characters (AI, KV, RL)
# are no names anyway.
GENERIC_NAMES = frozenset(
    """
    API APIs ASR BERT CNN CNNs CO2 CPU CPUs CUDA DNN DNNs FPGA FPGAs GAN GANs GNN GNNs
    GPT GPU GPUs HPC IoT LLM LLMs LSTM LVLM LVLMs MLLM MLLMs MLP MLPs MoE MoEs NLP
    NPU NPUs RAG RLHF RNN RNNs RPG SLM SLMs SOTA SQL SSM SSMs TPU TPUs ViT ViTs VLA
    VLAs VLM VLMs FP4 FP8 FP16 FP32 BF16 INT4 INT8
    """.split()
)
