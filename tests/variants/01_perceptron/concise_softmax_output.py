"""Concise model ending in softmax although the loss expects logits (from_logits=True)."""
# variant: buggy
# loses: test_architecture
import keras


# %% [concise_mlp]
def build_concise_mlp(num_hiddens=256, num_outputs=10):
    return keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(num_hiddens, activation="relu"),
        keras.layers.Dense(num_outputs, activation="softmax"),
    ])
