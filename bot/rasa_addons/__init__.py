"""Extensions loaded by the Rasa process (Python 3.10, may import rasa); the action server never imports this.

``tracker_store``: tracker stores that delete a shopper's whole conversation after "forget me".
Rasa finds the package because it runs with ``bot/`` as working directory (Rasa puts the working
directory on ``sys.path``) and because ``scripts/common.sh`` / ``tools/stack.py`` export
``PYTHONPATH=bot``.
"""
