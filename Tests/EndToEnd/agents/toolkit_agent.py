"""A full-screen-style agent prompt built on prompt_toolkit (the library several agent TUIs use):
reads prompts with its line editor (history, completion, bracketed paste), prints each as JSON
("SUBMITTED <json>"); "login" asks for a password with is_password=True (raw mode, the screen
says "Password: "); "quit" ends it."""
import json

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter

session = PromptSession(completer=WordCompleter(["revenue", "region", "customers"]))
while True:
    text = session.prompt("agent> ")
    print("SUBMITTED " + json.dumps(text), flush=True)
    if text == "login":
        secret = session.prompt("Password: ", is_password=True)
        print(f"PASSWORD LENGTH {len(secret)}", flush=True)
    if text == "quit":
        break
