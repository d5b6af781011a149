"""Link one shopper's senders on two channels to one user, so history and ranking follow them.

Each channel knows a shopper by its own sender id (the web chat's session id, a Slack user id, a
Telegram chat id); the store maps (channel, sender id) to a user on first sight. Linking points
a sender at the user of another one; when the sender's previous user is then used by no other
sender, its interactions move over and that user is deleted. The conversations themselves (Rasa's
trackers) stay per channel: what is shared is what the shopper liked, bought and dismissed.

    PYTHONPATH=bot .venvs/actions/bin/python -m actions.channels.link slack U0123ABCD --to web 3f9c...e1
    PYTHONPATH=bot .venvs/actions/bin/python -m actions.channels.link telegram 123456789 --to rest alice

The web chat's session id is in the browser's localStorage (``concierge.web.session``) and on the
page as ``#app[data-session]``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from sqlalchemy import delete, func, insert, select, update

from recommender.store import Store
from recommender.store.schema import channel_links, interactions, users


def link_sender(store: Store, channel: str, sender_id: str, to_channel: str, to_sender_id: str) -> int:
    """Make (channel, sender_id) the same user as (to_channel, to_sender_id); returns that user's id."""
    target = store.user_for_sender(to_channel, to_sender_id)
    with store.transaction() as conn:
        link = (channel_links.c.channel == channel) & (channel_links.c.sender_id == sender_id)
        previous = conn.execute(select(channel_links.c.user_id).where(link)).scalar()
        if previous is None:
            # the user it would be linked to on first sight (see Store.user_for_sender)
            previous = conn.execute(select(users.c.id).where(users.c.external_id == sender_id)).scalar()
            if previous is not None and conn.execute(select(func.count()).select_from(channel_links)
                                                     .where(channel_links.c.user_id == previous)).scalar():
                previous = None  # someone else's user already: leave it alone
            conn.execute(insert(channel_links).values(channel=channel, sender_id=sender_id, user_id=target))
        elif previous != target:
            conn.execute(update(channel_links).where(link).values(user_id=target))
        if previous is not None and previous != target:
            still_used = conn.execute(select(func.count()).select_from(channel_links)
                                      .where(channel_links.c.user_id == previous)).scalar()
            if not still_used:
                conn.execute(update(interactions).where(interactions.c.user_id == previous).values(user_id=target))
                conn.execute(delete(users).where(users.c.id == previous))
    return int(target)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.channels.link", description=__doc__.split("\n\n")[0])
    parser.add_argument("channel", help="channel of the sender to link: web, slack, telegram, rest ...")
    parser.add_argument("sender_id")
    parser.add_argument("--to", nargs=2, metavar=("CHANNEL", "SENDER_ID"), required=True,
                        help="the sender whose user it becomes")
    parser.add_argument("--database-url", default=None, help="default: CONCIERGE_DATABASE_URL or var/concierge.db")
    args = parser.parse_args(argv)
    store = Store(args.database_url)
    store.migrate()
    user = link_sender(store, args.channel, args.sender_id, *args.to)
    print(json.dumps({"user_id": user, "linked": [args.channel, args.sender_id], "to": args.to}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
