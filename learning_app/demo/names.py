"""Invented names for the demo workforce.

Every name is made up by pairing first names and surnames from the same heritage
group, so the workforce reads like a real Leicester, Leicestershire and Rutland team:
mostly women (83% of the inspected PDU's workforce), about three in ten from a
minority ethnic background (27% in the 2023 inspection), with the city's large
Gujarati, Punjabi and Somali communities represented. Any resemblance to a real
person is chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# The share of women in the demo workforce (the 2023 inspection found 83%).
FEMALE_SHARE = 0.8


@dataclass(frozen=True)
class NamePool:
    """First names and surnames that go together, and how often the pool is drawn."""

    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


POOLS: tuple[NamePool, ...] = (
    NamePool(
        weight=60,
        female=_words(
            """
            Abigail Alison Amy Bethany Charlotte Chloe Claire Danielle Eleanor Emma Gemma Hannah
            Helen Jessica Joanne Katie Laura Lucy Megan Natalie Rachel Rebecca Sarah Sophie Stacey
            Victoria Zoe Siobhan Niamh Ciara Rhiannon Bronwen
            """
        ),
        male=_words(
            """
            Adam Ben Callum Craig Daniel Gareth James Liam Matthew Neil Oliver Paul Ryan Simon
            Thomas Declan Owen
            """
        ),
        surnames=_words(
            """
            Atkinson Bailey Barker Bennett Bradshaw Brookes Carter Chapman Clarke Cooper Dawson
            Ellis Fletcher Foster Gibson Gregory Hall Harrison Hewitt Holmes Hughes Jarvis Kirby
            Lambert Marsh Mason Newton Oakley Palmer Parsons Pearce Pickering Randall Reeves Rowley
            Sharpe Sheldon Slater Spencer Stevenson Tomlinson Turner Wade Walsh Webster Whitehead
            Wilkinson Woodward Doyle Gallagher Kennedy Quinn Byrne Lynch Griffiths Llewellyn Price
            Morgan Macdonald Fraser
            """
        ),
    ),
    NamePool(
        weight=14,
        female=_words(
            """
            Anjali Bhavna Divya Hema Jaspreet Kiran Meera Nisha Pooja Priya Reena Sunita Shreya
            Harpreet Manpreet Rupinder
            """
        ),
        male=_words("Amit Harjit Jatinder Kamal Nikesh Rajesh Sanjay Vikram"),
        surnames=_words(
            """
            Patel Mistry Parmar Chauhan Solanki Lad Rathod Chavda Gill Sandhu Dhillon Bains Sidhu
            Johal Sharma Joshi
            """
        ),
    ),
    NamePool(
        weight=8,
        female=_words("Aisha Fatima Nadia Rubina Sadia Shazia Yasmin Zainab"),
        male=_words("Asif Bilal Imran Tariq Usman"),
        surnames=_words("Ahmed Akhtar Begum Hussain Iqbal Khan Rahman Malik"),
    ),
    NamePool(
        weight=6,
        female=_words("Abena Adaeze Amara Chantelle Folake Keisha Marcia Nia Shanice Yolanda"),
        male=_words("Kwame Marcus Tunde Delroy Leon"),
        surnames=_words("Adeyemi Okafor Mensah Osei Boateng Campbell Thompson Francis Nwosu"),
    ),
    NamePool(
        weight=3,
        female=_words("Hodan Ifrah Sagal Hibo Amran"),
        male=_words("Abdirahman Mohamed"),
        surnames=_words("Abdi Warsame Farah Hassan Ali"),
    ),
    NamePool(
        weight=6,
        female=_words("Agnieszka Ewa Joanna Katarzyna Magdalena Monika"),
        male=_words("Piotr Tomasz Marek"),
        surnames=_words("Nowak Wójcik Kowalczyk Mazur Krawczyk Kaczmarek Pawlak Sikora"),
    ),
    NamePool(
        weight=3,
        female=_words("Mei Hui Grace Jing"),
        male=_words("Wei Jun"),
        surnames=_words("Chen Wong Li Lam Cheung"),
    ),
)


def invent_names(count: int, rng: random.Random) -> list[str]:
    """Return ``count`` different full names drawn with ``rng``.

    The same generator state always gives the same names; nothing else is random.
    """
    weights = [pool.weight for pool in POOLS]
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        pool = rng.choices(POOLS, weights=weights)[0]
        first_names = pool.female if rng.random() < FEMALE_SHARE else pool.male
        name = f"{rng.choice(first_names)} {rng.choice(pool.surnames)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
