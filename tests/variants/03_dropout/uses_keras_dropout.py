"""build_net uses keras.layers.Dropout instead of the student's own Dropout layer.

The source policy ("implement it yourself", graders/03_dropout/source_rules.toml) costs
every check of the build_net cell, and the cell is held back, so the accuracy check that
trains build_net() finds no network (as if the cell were left unanswered).
"""
# variant: buggy
# loses: test_architecture, test_parameter_count, test_uses_own_dropout_with_given_rates, test_trained_accuracy
import keras


# %% [build_net]
def build_net(num_outputs=10, num_hiddens1=256, num_hiddens2=256, dropout1=0.2, dropout2=0.5):
    return keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(num_hiddens1, activation="relu"),
        keras.layers.Dropout(dropout1),
        keras.layers.Dense(num_hiddens2, activation="relu"),
        keras.layers.Dropout(dropout2),
        keras.layers.Dense(num_outputs),
    ])
