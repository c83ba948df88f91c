"""Every sentence and label the planner reads, in Vietnamese and English.

`labels`: names of levels, grades, kinds and the texts of reports, charts and printed lines;
`problems`: the texts of the problems found in a ward folder or a scenario file.
"""
