"""Practice session 9's handout: the sheet's text and questions, in order, with one student's numbers.

Follows shared/seed/000_b2f231fa9ca90043.txt. Each question shows the id its answer goes under
in the template (``[s1]``). Only the hint table carries computed values.
"""

from __future__ import annotations


from grader.handout.blocks import (
    Block,
    Equation,
    Figure,
    Heading,
    Item,
    Paragraph,
    Table,
)
from grader.handout.network_svg import network_svg
from grader.handout.student import StudentVariant, show_hint, show_number

BLANK = "???"

# Where each weight sits in the network (SPEC's wiring).
WIRING = (
    ("w1", "x → neuron 1"), ("w2", "bias of neuron 1"), ("w3", "x → neuron 2"), ("w4", "bias of neuron 2"),
    ("w5", "a₁ → neuron 3"), ("w6", "a₂ → neuron 3"), ("w7", "bias of neuron 3"),
    ("w8", "a₁ → neuron 4"), ("w9", "a₂ → neuron 4"), ("w10", "bias of neuron 4"),
    ("w11", "a₃ → output"), ("w12", "a₄ → output"), ("w13", "bias of the output"),
)

# The hint table's headings as the sheet prints them, with what the two middle ones equal.
HINT_HEADINGS = {
    "dE_dyhat": r"\frac{∂E}{∂ŷ}",
    "a3": r"\frac{∂ŷ}{∂w₁₁} = a₃",
    "a4": r"\frac{∂ŷ}{∂w₁₂} = a₄",
    "da3_ds3": r"\frac{∂a₃}{∂s₃}",
    "da4_ds4": r"\frac{∂a₄}{∂s₄}",
}


def handout(variant: StudentVariant) -> tuple[Block, ...]:
    """The whole handout for one student."""
    return (*_front(variant), *_backpropagation(variant), *_softmax(variant))


def _weight(name: str) -> str:
    return "w" + name[1:].translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _front(v: StudentVariant) -> list[Block]:
    who = f"{v.name} ({v.student_id})" if v.name else v.student_id
    templates = ", ".join(v.template_name(s) for s in ("yaml", "csv", "xlsx"))
    return [
        Heading(v.assignment.title, 1),
        Paragraph(f"Your own variant, for student {who}. Your numbers differ from your neighbours'.",
                  markup=False),
        Paragraph(
            f"Work the questions by hand. Write each answer in one of your answer templates ({templates}) "
            "under the id shown in brackets beside the question, e.g. [s1]. Give numbers with at least "
            "4 decimals; rounding intermediate values to 4 decimals, as the hint table does, is fine.",
            emphasis=True, markup=False,
        ),
    ]


def _backpropagation(v: StudentVariant) -> list[Block]:
    p = v.params
    x, y, eta = (show_number(p[k]) for k in ("x", "y", "eta"))
    cells = [(_weight(w), where, show_number(p[w])) for w, where in WIRING]
    half = (len(cells) + 1) // 2
    right = cells[half:] + [("", "", "")] * (2 * half - len(cells))
    weights = Table(
        header=("Weight", "Connection", "Value") * 2,
        rows=tuple(left + other for left, other in zip(cells[:half], right)),
        caption="Your weights (the biases w₂, w₄, w₇, w₁₀, w₁₃ multiply the constant input 1).",
        numeric=(False, False, True) * 2,
    )
    return [
        Heading("1. Backpropagation"),
        Paragraph("Backpropagation is a common method for training a neural network. The goal of "
                  "backpropagation is to optimize the weights so that the neural network can learn how to "
                  "correctly map arbitrary inputs to outputs."),
        Paragraph("To go through the backpropagation process we use a neural network with one input x, two "
                  "layers each consisting of two hidden neurons, and one output neuron which yields a "
                  "prediction ŷ. The hidden and output neurons include a bias."),
        Figure(network_svg(p), "Figure 1: your network, one input, one output and two hidden layers; "
                               "each connection is labelled with its weight."),
        weights,
        Paragraph(f"We are given input x = {x}; we want the neural network to output y = {y}. "
                  f"We set the learning rate to η = {eta}."),
        *_forward(),
        *_backward(v, eta),
    ]


def _forward() -> list[Block]:
    return [
        Heading("(a) Forward pass", 3),
        Paragraph("To begin, let's see what the neural network currently predicts given the weights and "
                  "biases above and the input. We feed the input forward through the network: we figure out "
                  "the total net input to each hidden neuron, squash it with an activation function (here "
                  "the logistic function), then repeat the process with the next layer."),
        Item("i.", "The total net input for the hidden neurons in the first hidden layer:", body=(
            Equation("s₁ = w₁·x + w₂·1 = " + BLANK, "(1)", "s1"),
            Equation("s₂ = " + BLANK, "(2)", "s2"),
        )),
        Item("ii.", "Squash the total net input using the logistic function to get the output of the neuron:",
             body=(
                 Equation(r"a₁ = \frac{1}{1 + e^{−s₁}} = " + BLANK, "(3)", "a1"),
                 Equation("a₂ = " + BLANK, "(4)", "a2"),
             )),
        Item("iii.", "We repeat this process for the next hidden layer as well:", body=(
            Equation("s₃ = w₅·a₁ + w₆·a₂ + w₇ = " + BLANK, "(5)", "s3"),
            Equation("s₄ = " + BLANK, "(6)", "s4"),
            Paragraph("Again, using the logistic function:"),
            Equation(r"a₃ = \frac{1}{1 + e^{−s₃}} = " + BLANK, "(7)", "a3"),
            Equation("a₄ = " + BLANK, "(8)", "a4"),
        )),
        Item("iv.", "Calculate the output. The output neuron is linear, for the regression task (we do "
                    "nothing with the output of the last neuron):", body=(
            Equation("ŷ = w₁₁·a₃ + w₁₂·a₄ + w₁₃ = " + BLANK, "(9)", "y_hat"),
        )),
        Item("v.", "Now calculate the error of the output neuron with the squared error function. There is "
                   "only one output, so there is nothing to sum up:", body=(
            Equation("E = Σ(target − output)²"),
            Equation("E = (y − ŷ)² = " + BLANK, "(11)", "E"),
        )),
        Item("vi.", "Are we far from the expected output?", answers=("q1a_vi",)),
    ]


def _backward(v: StudentVariant, eta: str) -> list[Block]:
    hint = Table(
        header=("Derivative", *(HINT_HEADINGS.get(c.node, c.heading) for c in v.hint_table)),
        rows=(("Value", *(show_hint(c.value) for c in v.hint_table)),),
        caption="Hint table for your variant (4 decimals).",
        numeric=(False, *(True for _ in v.hint_table)),
    )
    return [
        Heading("(b) Backward pass", 3),
        Paragraph("Our goal is now to modify the weights so that the error decreases. Consider w₅. We want "
                  "to know how much a change in w₅ affects the total error E, that is ∂E/∂w₅. To decrease "
                  "the error, we subtract this value, multiplied by the learning rate η, from the current "
                  "weight:"),
        Equation(r"w₅^{new} = w₅ − η·\frac{∂E}{∂w₅}"),
        Item("i.", "What does this remind you of?", answers=("q1b_i",)),
        Item("ii.", "Recall useful formulae: the chain rule (13) and the derivative of the logistic "
                    "function (14). Backpropagation computes gradients by applying the chain rule "
                    "recursively.", body=(
            Equation(r"\frac{∂z}{∂u} = \frac{∂z}{∂x}·\frac{∂x}{∂u}", "(13)"),
            Equation(r"\frac{dσ}{dz}(z) = σ(z)·(1 − σ(z))", "(14)"),
            Equation(r"\frac{∂E}{∂w₅} = " + BLANK, "(15)", "dE_dw5"),
        )),
        Item("iii.", "Do the same for w₉ (hint: you can use the table below for the partial derivatives).",
             body=(Equation(r"\frac{∂E}{∂w₉} = " + BLANK, "(16)", "dE_dw9"), hint)),
        Item("iv.", "Now look at w₁. Find", body=(
            Equation(r"\frac{∂E}{∂w₁} = " + BLANK, "(17)", "dE_dw1"),
        )),
        Item("v.", "Are we there yet? What do we do with these derivatives now?", answers=("q1b_v",)),
        Item("vi.", f"Calculate the new values of w₅ and w₁ given that η = {eta}.", body=(
            Equation(r"w₅^{new} = " + BLANK, "", "w5_new"),
            Equation(r"w₁^{new} = " + BLANK, "", "w1_new"),
        )),
        Item("vii.", "What about the bias terms w₂, w₄, w₇, w₁₀ and w₁₃? Find their gradients.", body=tuple(
            Equation(rf"\frac{{∂E}}{{∂{_weight(w)}}} = " + BLANK, "", f"dE_d{w}")
            for w in ("w2", "w4", "w7", "w10", "w13")
        )),
        Item("viii.", "Are we there yet?", answers=("q1b_viii",)),
    ]


def _softmax(v: StudentVariant) -> list[Block]:
    p = v.params
    CLASSES = v.assignment.sheet.categories["true_class"]  # noqa: N806
    true_class = str(p["true_class"])
    scores = Table(
        header=("Class", "Score", "e^{zⱼ}", "σⱼ(z)"),
        rows=tuple((c.capitalize(), show_number(p[f"score_{c}"]), "", "") for c in CLASSES),
        caption="Your scores; the 3rd and 4th columns are yours to fill.",
        numeric=(False, True, False, False),
    )
    return [
        Heading("2. Softmax function"),
        Paragraph("The softmax function is a generalization of the logistic function to K classes:"),
        Equation(r"σⱼ(z) = \frac{e^{zⱼ}}{Σ_{k=1}^{K} e^{zₖ}}"),
        Paragraph("It takes a vector of arbitrary real-valued scores z and squashes it to a vector of values "
                  "between 0 and 1 that sum to one."),
        Paragraph(f"The table gives the output of a scoring function f for four classes, for the given image. "
                  f"The image shows a {true_class}: the true class is {true_class}."),
        scores,
        Paragraph("Cross-entropy loss:"),
        Equation(r"−Σ_{c=1}^{M} y_{o,c}·log(p_{o,c})", "(18)"),
        Paragraph("M: number of classes (dog, cat, boat, airplane); log: the natural log; y: binary indicator "
                  "(0 or 1), whether class label c is the correct classification for observation o; "
                  "p: predicted probability that observation o belongs to class c."),
        Item("•", "Can these scores be used in the calculation of cross-entropy loss? Why?",
             answers=("q2_scores",)),
        Item("•", "Fill the 3rd column of the table.", answers=tuple(f"exp_{c}" for c in CLASSES)),
        Item("•", "Fill the 4th column of the table.", answers=tuple(f"p_{c}" for c in CLASSES)),
        Item("•", "Why can't we just use the values in the 3rd column?", answers=("q2_column3",)),
        Item("•", f"Find the cross-entropy loss (the true class is {true_class}).", answers=("loss",)),
        Item("•", "What is the softmax function in case of 2 classes? Hint: look at the sigmoid function.",
             answers=("q2_two_classes",)),
    ]
