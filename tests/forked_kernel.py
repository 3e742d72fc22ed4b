"""A Jupyter kernel forked from the test run's command server: what a kernel spec's argv
runs (``python forked_kernel.py -f {connection_file}``) for the notebook tests.

The kernel is IPython's own (``python -m ipykernel_launcher``), run in a child of
``tests/command_server.py``, so it starts with TensorFlow and Keras imported instead
of importing them in the notebook's first cells. This process stands for it: Jupyter
starts and kills this one; its child is killed with it (the server kills a gone
client's commands), and it exits with the kernel's status.
"""

import os
import pathlib
import sys

from command_client import DIRECTORY_VARIABLE, CommandServer


def main() -> int:
    CommandServer.directory = pathlib.Path(os.environ[DIRECTORY_VARIABLE])
    job = {"module": "ipykernel_launcher", "args": sys.argv[1:], "cwd": os.getcwd(),
           "env": dict(os.environ)}
    answer = CommandServer.run([job], timeout=None)[0]
    sys.stderr.write(answer["stderr"])
    return answer["status"]


if __name__ == "__main__":
    sys.exit(main())
