"""The demo's decisions in Akoma Ntoso (issue 15): the roll call in the debate body, a
quorumVerification and a voting per vote in meta/analysis/parliamentary pointing at the body,
the adopted declaration as its own document linked from the debate; all schema-valid."""

from __future__ import annotations

from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.decisions.models import Motion, RollCall, Vote
from tests.integration.test_open_formats_agenda import AKN, akn_xsd  # noqa: F401


def _resolved(tree: etree._ElementTree) -> dict[str, etree._Element]:
    """Every #reference resolves: refersTo/as/by to the references, href to any eId."""
    references = tree.find(".//akn:references", AKN)
    assert references is not None
    targets = {element.get("eId"): element for element in references}
    anywhere = {element.get("eId"): element for element in tree.iter() if element.get("eId")}
    for element in tree.iter():
        for attribute in ("by", "refersTo", "as", "outcome"):
            value = element.get(attribute)
            if value and value.startswith("#"):
                assert value[1:] in targets, (attribute, value)
        href = element.get("href")
        if href and href.startswith("#"):
            assert href[1:] in anywhere, ("href", href)
    return anywhere


async def test_decisions_in_akoma_ntoso(
    client: Any,
    db: AsyncSession,
    demo: Any,
    akn_xsd: etree.XMLSchema,  # noqa: F811
) -> None:
    motion = (await db.execute(select(Motion))).scalar_one()
    roll = (await db.execute(select(RollCall))).scalar_one()
    votes = (await db.execute(select(Vote).order_by(Vote.id))).scalars().all()
    for lang in ("en", "ru", "zh", "de"):
        response = await client.get(f"/events/{demo.slug}/proceedings.akn.xml?lang={lang}")
        assert response.status_code == 200
        tree = etree.ElementTree(etree.fromstring(response.content))
        assert akn_xsd.validate(tree), "\n".join(str(e) for e in akn_xsd.error_log)
        elements = _resolved(tree)
        roll_call = elements[f"rollcall_{roll.uid}"]
        assert roll_call.tag.endswith("rollCall") and roll_call.getparent().tag.endswith(
            "debateSection"
        )
        check = elements[f"quorumverification_{roll.uid}"]
        assert check.getparent().tag.endswith("parliamentary")
        assert (
            check.get("href") == f"#rollcall_{roll.uid}"
            and check.get("outcome") == "#quorum_present"
        )
        assert elements[f"quorumverification_{roll.uid}__quorum"].get("value") == str(roll.quorum)
        assert elements[f"quorumverification_{roll.uid}__present"].get("value") == str(roll.present)
        for vote in votes:
            voting = elements[f"voting_{vote.uid}"]
            assert voting.tag.endswith("voting") and voting.get("href") == f"#vote_{vote.uid}"
            assert voting.get("outcome") == f"#{vote.result.value}"
            counts = {c.get("refersTo"): c.get("value") for c in voting.iterfind("akn:count", AKN)}
            if vote.motion_id:
                assert counts == {
                    "#votes_for": str(vote.votes_for),
                    "#votes_against": str(vote.votes_against),
                    "#abstaining": str(vote.abstentions),
                }
                assert voting.find("akn:quorum", AKN).get("value") == str(roll.quorum)
            else:
                assert counts == {"#ballots": str(vote.ballots), "#spoilt": str(vote.spoilt)}
        resolution = elements[f"motion_{motion.uid}"]
        assert motion.title[lang] in resolution.find("akn:heading", AKN).text
        link = resolution.find(".//akn:ref", AKN)
        assert link.get("href").endswith(f"/events/{demo.slug}/motions/{motion.id}.akn.xml")

        document = await client.get(f"/events/{demo.slug}/motions/{motion.id}.akn.xml?lang={lang}")
        assert document.status_code == 200
        own = etree.ElementTree(etree.fromstring(document.content))
        assert akn_xsd.validate(own), "\n".join(str(e) for e in akn_xsd.error_log)
        _resolved(own)
        text = "\n".join(p.text or "" for p in own.iterfind(".//akn:mainBody/akn:p", AKN))
        assert motion.adopted_text is not None
        assert text == "\n".join(line.strip() for line in motion.adopted_text[lang].splitlines())
    assert (await client.get(f"/events/{demo.slug}/motions/999999.akn.xml")).status_code == 404
    assert (await client.get(f"/events/{demo.slug}/motions/../../x")).status_code == 404
