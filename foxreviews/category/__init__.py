"""The directory's taxonomy: catégories, sous-catégories and the NAF rév. 2 codes mapped to them."""
