"""English local authorities with children's services, as printed in Ofsted letters.

Data for the synthetic corpus (bench/scale/generate.py): 150 upper-tier councils, so
the authority facet has the width of the real archive.
"""
from __future__ import annotations

AUTHORITIES: tuple[str, ...] = (
    "Barking and Dagenham", "Barnet", "Barnsley", "Bath and North East Somerset",
    "Bedford", "Bexley", "Birmingham", "Blackburn with Darwen", "Blackpool", "Bolton",
    "Bournemouth, Christchurch and Poole", "Bracknell Forest", "Bradford", "Brent",
    "Brighton and Hove", "Bristol", "Bromley", "Buckinghamshire", "Bury", "Calderdale",
    "Cambridgeshire", "Camden", "Central Bedfordshire", "Cheshire East",
    "Cheshire West and Chester", "Cornwall", "Coventry", "Croydon", "Cumberland",
    "Darlington", "Derby", "Derbyshire", "Devon", "Doncaster", "Dorset", "Dudley",
    "Durham", "Ealing", "East Riding of Yorkshire", "East Sussex", "Enfield", "Essex",
    "Gateshead", "Gloucestershire", "Greenwich", "Hackney", "Halton",
    "Hammersmith and Fulham", "Hampshire", "Haringey", "Harrow", "Hartlepool",
    "Havering", "Herefordshire", "Hertfordshire", "Hillingdon", "Hounslow",
    "Isle of Wight", "Islington", "Kensington and Chelsea", "Kent", "Kingston upon Hull",
    "Kingston upon Thames", "Kirklees", "Knowsley", "Lambeth", "Lancashire", "Leeds",
    "Leicester", "Leicestershire", "Lewisham", "Lincolnshire", "Liverpool", "Luton",
    "Manchester", "Medway", "Merton", "Middlesbrough", "Milton Keynes",
    "Newcastle upon Tyne", "Newham", "Norfolk", "North East Lincolnshire",
    "North Lincolnshire", "North Northamptonshire", "North Somerset", "North Tyneside",
    "North Yorkshire", "Northumberland", "Nottingham", "Nottinghamshire", "Oldham",
    "Oxfordshire", "Peterborough", "Plymouth", "Portsmouth", "Reading", "Redbridge",
    "Redcar and Cleveland", "Richmond upon Thames", "Rochdale", "Rotherham", "Rutland",
    "Salford", "Sandwell", "Sefton", "Sheffield", "Shropshire", "Slough", "Solihull",
    "Somerset", "South Gloucestershire", "South Tyneside", "Southampton",
    "Southend-on-Sea", "Southwark", "St Helens", "Staffordshire", "Stockport",
    "Stockton-on-Tees", "Stoke-on-Trent", "Suffolk", "Sunderland", "Surrey", "Sutton",
    "Swindon", "Tameside", "Telford and Wrekin", "Thurrock", "Torbay", "Tower Hamlets",
    "Trafford", "Wakefield", "Walsall", "Waltham Forest", "Wandsworth", "Warrington",
    "Warwickshire", "West Berkshire", "West Northamptonshire", "West Sussex",
    "Westminster", "Westmorland and Furness", "Wigan", "Wiltshire", "Windsor and Maidenhead",
    "Wirral", "Wokingham", "Wolverhampton", "Worcestershire", "York",
)

LONDON = frozenset((
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon",
    "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
    "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
    "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
    "Wandsworth", "Westminster",
))
COUNTIES = frozenset((
    "Cambridgeshire", "Derbyshire", "Devon", "Durham", "East Sussex", "Essex",
    "Gloucestershire", "Hampshire", "Hertfordshire", "Kent", "Lancashire", "Leicestershire",
    "Lincolnshire", "Norfolk", "North Yorkshire", "Nottinghamshire", "Oxfordshire",
    "Staffordshire", "Suffolk", "Surrey", "Warwickshire", "West Sussex", "Worcestershire",
))


def printed_name(area: str) -> str:
    """The council's name as a letter prints it: "London Borough of Hackney"."""
    if area in LONDON:
        return f"London Borough of {area}"
    if area in COUNTIES:
        return f"{area} County Council"
    return f"{area} Council"
